import HookcastProtocol

struct InMemoryActionRepository: ActionRepository {
    let database: InMemoryDatabase

    func insert(_ action: Action) async throws {
        try database.access { state in
            guard state.actions[action.eventID] == nil else {
                throw StoreError.conflict("action '\(action.eventID)' already exists")
            }
            state.actions[action.eventID] = action
        }
    }

    func all() async throws -> [Action] {
        try database.access { $0.actions.values.sorted { $0.eventID < $1.eventID } }
    }

    func find(eventID: EventID) async throws -> Action? {
        try database.access { $0.actions[eventID] }
    }

    func update(_ action: Action) async throws {
        try database.access { state in
            guard let existing = state.actions[action.eventID] else {
                throw StoreError.notFound("action '\(action.eventID)' does not exist")
            }
            var updated = action
            updated.createdAt = existing.createdAt
            state.actions[action.eventID] = updated
        }
    }

    func delete(eventID: EventID) async throws -> Bool {
        try database.access { $0.actions.removeValue(forKey: eventID) != nil }
    }
}
