import HookcastProtocol

struct InMemoryDeviceRepository: DeviceRepository {
    let database: InMemoryDatabase

    func insert(_ devices: [Device], brokerCredentials: [DeviceID: String]) async throws {
        try database.access { state in
            if let taken = devices.first(where: { state.devices[$0.id] != nil }) {
                throw StoreError.conflict("device '\(taken.id)' already exists")
            }
            for device in devices {
                state.devices[device.id] = device
                if let credential = brokerCredentials[device.id] { state.brokerCredentials[device.id] = credential }
            }
        }
    }

    func update(_ devices: [Device]) async throws {
        try database.access { state in
            if let missing = devices.first(where: { state.devices[$0.id] == nil }) {
                throw StoreError.notFound("device '\(missing.id)' does not exist")
            }
            for device in devices {
                state.devices[device.id]?.name = device.name
                state.devices[device.id]?.tags = device.tags
            }
        }
    }

    func find(ids: [DeviceID]) async throws -> [DeviceID: Device] {
        try database.access { state in
            var found: [DeviceID: Device] = [:]
            for id in ids { if let device = state.devices[id] { found[id] = device } }
            return found
        }
    }

    func all() async throws -> [Device] {
        try database.access { $0.devices.values.sorted { $0.id < $1.id } }
    }

    func find(id: DeviceID) async throws -> Device? {
        try database.access { $0.devices[id] }
    }

    func update(_ device: Device) async throws {
        try database.access { state in
            guard var existing = state.devices[device.id] else {
                throw StoreError.notFound("device '\(device.id)' does not exist")
            }
            existing.name = device.name
            existing.tags = device.tags
            state.devices[device.id] = existing
        }
    }

    func delete(id: DeviceID) async throws -> Bool {
        try await delete(ids: [id]) == 1
    }

    func delete(ids: [DeviceID]) async throws -> Int {
        try database.access { state in
            let gone = Set(ids.filter { state.devices.removeValue(forKey: $0) != nil })
            guard !gone.isEmpty else { return 0 }
            for id in gone { state.brokerCredentials[id] = nil }
            for groupID in state.groups.keys {
                state.groups[groupID]?.members.removeAll { gone.contains($0) }
            }
            return gone.count
        }
    }

    func allIDs() async throws -> [DeviceID] {
        try database.access { $0.devices.keys.sorted() }
    }

    func ids(selectedBy selection: TagSelection) async throws -> [DeviceID] {
        try database.access { state in state.devices.values.filter { selection.selects($0.tags) }.map(\.id).sorted() }
    }

    func tagsByDevice() async throws -> [DeviceID: [String]] {
        try database.access { state in state.devices.compactMapValues { $0.tags.isEmpty ? nil : $0.tags } }
    }

    func setBrokerCredentials(_ credentials: [DeviceID: String]) async throws {
        try database.access { state in
            for (id, credential) in credentials where state.devices[id] != nil {
                state.brokerCredentials[id] = credential
            }
        }
    }

    func brokerCredentials() async throws -> [DeviceID: String] {
        try database.access { $0.brokerCredentials }
    }
}
