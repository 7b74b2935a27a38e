import Foundation
import HookcastProtocol

struct SQLiteEmergencyStateRepository: EmergencyStateRepository {
    let database: SQLiteDatabase

    func all() async throws -> [EmergencyStateMessage] {
        try await database.read {
            try $0.query("SELECT payload FROM emergency_states ORDER BY scope").map { row in
                try EmergencyStateMessage.decode(Array(try row.string("payload").utf8))
            }
        }
    }

    func save(_ states: [EmergencyStateMessage]) async throws {
        guard !states.isEmpty else { return }
        try await database.write { connection in
            for message in states {
                try connection.execute(
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
