import HookcastProtocol

struct InMemoryEmergencyStateRepository: EmergencyStateRepository {
    let database: InMemoryDatabase

    func all() async throws -> [EmergencyStateMessage] {
        try database.access { state in
            state.emergencies.values.sorted { Topics.emergencyState($0.scope) < Topics.emergencyState($1.scope) }
        }
    }

    func save(_ states: [EmergencyStateMessage]) async throws {
        try database.access { state in
            for message in states { state.emergencies[message.scope] = message }
        }
    }
}
