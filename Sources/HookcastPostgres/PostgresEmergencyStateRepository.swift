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

    func save(_ states: [EmergencyStateMessage]) async throws {
        try await apply(EmergencyChange(states: states))
    }

    func holds() async throws -> [EmergencyHold] {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT payload, ends_at FROM emergency_holds ORDER BY since, command_id", logger: logger
            )
            .map { row in
                let values = row.values()
                return EmergencyHold(
                    state: try EmergencyStateMessage.decode(Array(try values.string("payload").utf8)),
                    endsAt: try values.optionalDate("ends_at"))
            }
        }
    }

    /// One statement per state, in order, so of two states for one scope the later one stays.
    func apply(_ change: EmergencyChange) async throws {
        guard !change.isEmpty else { return }
        try await pool.write { connection in
            if !change.removed.isEmpty {
                try await connection.rows(
                    "DELETE FROM emergency_holds WHERE command_id = ANY(\(change.removed))", logger: logger)
            }
            for hold in change.added {
                let scope = hold.scope.emergencyScopeKey
                let payload = String(decoding: hold.state.encoded(), as: UTF8.self)
                let since = hold.state.since.millisecondsSince1970
                let endsAt = hold.endsAt?.millisecondsSince1970
                try await connection.rows(
                    """
                    INSERT INTO emergency_holds (command_id, scope, payload, since, ends_at)
                    VALUES (\(hold.commandID), \(scope), \(payload), \(since), \(endsAt))
                    ON CONFLICT (command_id) DO NOTHING
                    """, logger: logger)
            }
            for message in change.states {
                let scope = message.scope.emergencyScopeKey
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
