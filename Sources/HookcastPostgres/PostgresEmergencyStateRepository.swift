import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresEmergencyStateRepository: EmergencyStateRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    func all() async throws -> [EmergencyStateMessage] {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT payload FROM emergency_states ORDER BY scope COLLATE \"C\"", logger: logger
            )
            .map { row in try EmergencyStateMessage.decode(Array(try row.values().string("payload").utf8)) }
        }
    }

    /// One statement per message, in order, so of two messages for one scope the later one stays.
    func save(_ states: [EmergencyStateMessage]) async throws {
        guard !states.isEmpty else { return }
        try await pool.write { connection in
            for message in states {
                let scope = Topics.emergencyState(message.scope)
                let payload = String(decoding: message.encoded(), as: UTF8.self)
                try await connection.rows(
                    """
                    INSERT INTO emergency_states (scope, payload) VALUES (\(scope), \(payload))
                    ON CONFLICT (scope) DO UPDATE SET payload = excluded.payload
                    """, logger: logger)
            }
        }
    }
}
