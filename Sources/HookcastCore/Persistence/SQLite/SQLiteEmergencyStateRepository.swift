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
        try await apply(EmergencyChange(states: states))
    }

    func holds() async throws -> [EmergencyHold] {
        try await database.read {
            try $0.query("SELECT payload, ends_at FROM emergency_holds ORDER BY since, command_id").map { row in
                EmergencyHold(
                    state: try EmergencyStateMessage.decode(Array(try row.string("payload").utf8)),
                    endsAt: try row.optionalDate("ends_at"))
            }
        }
    }

    func apply(_ change: EmergencyChange) async throws {
        guard !change.isEmpty else { return }
        try await database.write { connection in
            for id in change.removed {
                try connection.execute("DELETE FROM emergency_holds WHERE command_id = ?", [.uuid(id)])
            }
            for hold in change.added {
                try connection.execute(
                    """
                    INSERT INTO emergency_holds (command_id, scope, payload, since, ends_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (command_id) DO NOTHING
                    """,
                    [
                        .uuid(hold.commandID), .text(hold.scope.emergencyScopeKey),
                        .text(String(decoding: hold.state.encoded(), as: UTF8.self)), .date(hold.state.since),
                        .date(hold.endsAt),
                    ])
            }
            for message in change.states {
                try connection.execute(
                    """
                    INSERT INTO emergency_states (scope, payload) VALUES (?, ?)
                    ON CONFLICT (scope) DO UPDATE SET payload = excluded.payload
                    """,
                    [
                        .text(message.scope.emergencyScopeKey),
                        .text(String(decoding: message.encoded(), as: UTF8.self)),
                    ])
            }
        }
    }
}
