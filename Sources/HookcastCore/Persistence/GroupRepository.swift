import HookcastProtocol

/// Device groups and their members.
public protocol GroupRepository: Sendable {
    /// Throws `StoreError.conflict` when the id is taken, `ValidationError` (field `members`) for unknown devices.
    func insert(_ group: DeviceGroup) async throws
    /// Sorted by id.
    func all() async throws -> [DeviceGroup]
    func find(id: GroupID) async throws -> DeviceGroup?
    /// Saves name and members. Throws `StoreError.notFound` or `ValidationError` (field `members`).
    func update(_ group: DeviceGroup) async throws
    /// False when there was no such group.
    func delete(id: GroupID) async throws -> Bool
    /// The groups `device` is a member of, sorted.
    func groups(containing device: DeviceID) async throws -> [GroupID]
    /// The groups each of `devices` is a member of, sorted, from one read: every device asked for is a key (a
    /// device in no group, or unknown, with an empty list). For imports and group changes of thousands of
    /// devices, where a read each would cost thousands of round trips to the store.
    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]]
}
