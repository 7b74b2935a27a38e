import Foundation
import HookcastProtocol
import SQLiteNIO

struct SQLiteEmergencyStateRepository: EmergencyStateRepository {
    let gate: SQLiteGate

    func all() async throws -> [EmergencyStateMessage] {
        try await gate.run {
            try await $0.query("SELECT payload FROM emergency_states ORDER BY scope").map { row in
                try EmergencyStateMessage.decode(Array(try row.string("payload").utf8))
            }
        }
    }

    func save(_ states: [EmergencyStateMessage]) async throws {
        guard !states.isEmpty else { return }
        try await gate.transaction { connection in
            for message in states {
                try await connection.execute(
                    """
                    INSERT INTO emergency_states (scope, payload) VALUES (?, ?)
                    ON CONFLICT (scope) DO UPDATE SET payload = excluded.payload
                    """,
                    [
                        .text(Topics.emergencyState(message.scope)),
                        .text(String(decoding: message.encoded(), as: UTF8.self)),
                    ])
            }
        }
    }
}
