import HookcastProtocol

struct InMemoryGroupRepository: GroupRepository {
    let database: InMemoryDatabase

    func insert(_ group: DeviceGroup) async throws {
        try database.access { state in
            guard state.groups[group.id] == nil else {
                throw StoreError.conflict("group '\(group.id)' already exists")
            }
            try state.requireRegistered(group.members)
            state.groups[group.id] = group
        }
    }

    func all() async throws -> [DeviceGroup] {
        try database.access { $0.groups.values.sorted { $0.id < $1.id } }
    }

    func find(id: GroupID) async throws -> DeviceGroup? {
        try database.access { $0.groups[id] }
    }

    func update(_ group: DeviceGroup) async throws {
        try database.access { state in
            guard var existing = state.groups[group.id] else {
                throw StoreError.notFound("group '\(group.id)' does not exist")
            }
            try state.requireRegistered(group.members)
            existing.name = group.name
            existing.members = group.members
            state.groups[group.id] = existing
        }
    }

    func delete(id: GroupID) async throws -> Bool {
        try database.access { $0.groups.removeValue(forKey: id) != nil }
    }

    func groups(containing device: DeviceID) async throws -> [GroupID] {
        try database.access { state in
            state.groups.values.filter { $0.members.contains(device) }.map(\.id).sorted()
        }
    }

    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]] {
        try database.access { state in
            var groups = Dictionary(devices.map { ($0, [GroupID]()) }, uniquingKeysWith: { first, _ in first })
            for group in state.groups.values.sorted(by: { $0.id < $1.id }) {
                for member in group.members where groups[member] != nil { groups[member]?.append(group.id) }
            }
            return groups
        }
    }
}
