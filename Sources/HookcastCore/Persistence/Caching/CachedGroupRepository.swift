import HookcastProtocol

/// Groups by id and each device's groups, from `FleetCache`.
struct CachedGroupRepository: GroupRepository {
    private let wrapped: any GroupRepository
    private let cache: FleetCache

    init(_ wrapped: any GroupRepository, cache: FleetCache) {
        self.wrapped = wrapped
        self.cache = cache
    }

    func insert(_ group: DeviceGroup) async throws { try await cache.writing { try await wrapped.insert(group) } }
    func all() async throws -> [DeviceGroup] { try await wrapped.all() }

    func find(id: GroupID) async throws -> DeviceGroup? {
        try await cache.groups.value(for: id) { try await wrapped.find(id: id) }
    }

    func update(_ group: DeviceGroup) async throws { try await cache.writing { try await wrapped.update(group) } }
    func delete(id: GroupID) async throws -> Bool { try await cache.writing { try await wrapped.delete(id: id) } }

    func groups(containing device: DeviceID) async throws -> [GroupID] {
        try await cache.groupsContaining.value(for: device) { try await wrapped.groups(containing: device) }
    }

    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]] {
        try await cache.groupsContaining.values(for: devices) { try await wrapped.groups(containingEach: $0) }
    }
}
