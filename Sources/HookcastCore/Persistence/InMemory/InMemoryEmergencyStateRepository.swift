import Foundation
import HookcastProtocol

struct InMemoryEmergencyStateRepository: EmergencyStateRepository {
    let database: InMemoryDatabase

    func all() async throws -> [EmergencyStateMessage] {
        try database.access { state in
            state.emergencies.values.sorted { $0.scope.emergencyScopeKey < $1.scope.emergencyScopeKey }
        }
    }

    func save(_ states: [EmergencyStateMessage]) async throws {
        try await apply(EmergencyChange(states: states))
    }

    func holds() async throws -> [EmergencyHold] {
        try database.access { state in
            state.emergencyHolds.values.sorted {
                ($0.state.since, $0.commandID.uuidString) < ($1.state.since, $1.commandID.uuidString)
            }
        }
    }

    func apply(_ change: EmergencyChange) async throws {
        try database.access { state in
            for id in change.removed { state.emergencyHolds[id] = nil }
            for hold in change.added { state.emergencyHolds[hold.commandID] = hold }
            for message in change.states { state.emergencies[message.scope] = message }
        }
    }
}
