import HookcastProtocol

/// Actions, keyed by their event id.
public protocol ActionRepository: Sendable {
    /// Throws `StoreError.conflict` when the event id is taken.
    func insert(_ action: Action) async throws
    /// Sorted by event id.
    func all() async throws -> [Action]
    func find(eventID: EventID) async throws -> Action?
    /// Replaces everything but the event id and `createdAt`. Throws `StoreError.notFound` when it does not exist.
    func update(_ action: Action) async throws
    /// False when there was no such action.
    func delete(eventID: EventID) async throws -> Bool
}
