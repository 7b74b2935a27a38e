import HookcastProtocol

/// Actions by event id, the lookup every webhook makes; any write forgets everything.
struct CachedActionRepository: ActionRepository {
    private let wrapped: any ActionRepository
    let byEventID = ReadCache<EventID, Action?>(capacity: 100_000)

    init(_ wrapped: any ActionRepository) {
        self.wrapped = wrapped
    }

    func insert(_ action: Action) async throws { try await byEventID.writing { try await wrapped.insert(action) } }
    func all() async throws -> [Action] { try await wrapped.all() }

    func find(eventID: EventID) async throws -> Action? {
        try await byEventID.value(for: eventID) { try await wrapped.find(eventID: eventID) }
    }

    func update(_ action: Action) async throws { try await byEventID.writing { try await wrapped.update(action) } }

    func delete(eventID: EventID) async throws -> Bool {
        try await byEventID.writing { try await wrapped.delete(eventID: eventID) }
    }
}
