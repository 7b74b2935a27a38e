import HookcastProtocol

/// Devices by id and the list of every id (a broadcast's expected devices), from `FleetCache`.
struct CachedDeviceRepository: DeviceRepository {
    private let wrapped: any DeviceRepository
    private let cache: FleetCache

    init(_ wrapped: any DeviceRepository, cache: FleetCache) {
        self.wrapped = wrapped
        self.cache = cache
    }

    func insert(_ devices: [Device], brokerCredentials: [DeviceID: String]) async throws {
        try await cache.writing { try await wrapped.insert(devices, brokerCredentials: brokerCredentials) }
    }
    func update(_ devices: [Device]) async throws { try await cache.writing { try await wrapped.update(devices) } }
    /// Not from the cache: imports ask for thousands at once, mostly devices not registered yet.
    func find(ids: [DeviceID]) async throws -> [DeviceID: Device] { try await wrapped.find(ids: ids) }
    func all() async throws -> [Device] { try await wrapped.all() }

    func find(id: DeviceID) async throws -> Device? {
        try await cache.devices.value(for: id) { try await wrapped.find(id: id) }
    }

    func update(_ device: Device) async throws { try await cache.writing { try await wrapped.update(device) } }
    func delete(id: DeviceID) async throws -> Bool { try await cache.writing { try await wrapped.delete(id: id) } }
    func delete(ids: [DeviceID]) async throws -> Int { try await cache.writing { try await wrapped.delete(ids: ids) } }

    func allIDs() async throws -> [DeviceID] {
        try await cache.allDeviceIDs.value(for: 0) { try await wrapped.allIDs() }
    }

    func ids(selectedBy selection: TagSelection) async throws -> [DeviceID] {
        try await cache.selectedDeviceIDs.value(for: selection) { try await wrapped.ids(selectedBy: selection) }
    }

    /// Not cached: read when configs are published to every device and at reconciliation.
    func tagsByDevice() async throws -> [DeviceID: [String]] { try await wrapped.tagsByDevice() }

    // Credentials are not cached: only reconciliation reads them, a few times an hour.
    func setBrokerCredentials(_ credentials: [DeviceID: String]) async throws {
        try await wrapped.setBrokerCredentials(credentials)
    }

    func brokerCredentials() async throws -> [DeviceID: String] { try await wrapped.brokerCredentials() }
}
