import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

/// The reads of a redelivery scan: the unsettled commands, their summaries, and the due ones in full.
extension PostgresCommandRepository {
    /// Above this many devices back online, their search reads the lists instead of searching the text once per
    /// device and row.
    static let textSearchMaximum = 32

    private static let unsettledSelection = """
        WHERE NOT settled AND published_at IS NOT NULL AND expires_at > $1 AND issued_at <= $2
        ORDER BY issued_at, seq LIMIT $3
        """

    func unsettled(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [Command] {
        try await select(Self.unsettledSelection) {
            Self.bindUnsettled(&$0, at: date, issuedBefore: issuedBefore, limit: limit)
        }
    }

    /// `octet_length` of a long (TOASTed) value is read from its header, without fetching or decompressing the
    /// list. The store writes an empty list as `[]` and no other way; another spelling would only make it look due,
    /// and the whole read then finds it empty and settles it.
    func unsettledSummaries(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [UnsettledCommand] {
        var bindings = PostgresBindings()
        Self.bindUnsettled(&bindings, at: date, issuedBefore: issuedBefore, limit: limit)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT id, issued_at, octet_length(expected_devices) > 2 AS expects_answers FROM commands
                \(Self.unsettledSelection)
                """,
            binds: bindings)
        return try await pool.read { connection in
            try await connection.rows(query, logger: pool.logger).map { row in
                let values = row.values()
                return UnsettledCommand(
                    id: try values.uuid("id"), issuedAt: try values.date("issued_at"),
                    expectsAnswers: try values.bool("expects_answers"))
            }
        }
    }

    /// A few devices (each back online): for each one that has not answered a command, its id searched for in the
    /// stored list's text, as the store spells it (`"id"`: an id needs no escapes, and the quotes keep `d1` from
    /// matching `d10`), without sending a list to the gateway. Many (a fleet reconnecting at once): the lists are
    /// read, one pass each, and looked up in a set; those commands may have been answered (the due read tells).
    func unsettledSummaries(at date: Date, awaitingAnswerFrom devices: Set<DeviceID>, limit: Int) async throws
        -> [UnsettledCommand]
    {
        guard !devices.isEmpty else { return [] }
        let live = "NOT settled AND published_at IS NOT NULL AND expires_at > $1"
        let order = "ORDER BY issued_at, seq LIMIT $2"
        var bindings = PostgresBindings()
        bindings.append(date.millisecondsSince1970)
        bindings.append(max(limit, 0))
        let searched = devices.count <= Self.textSearchMaximum
        let sql: String
        if searched {
            let ids = devices.map(\.rawValue)
            bindings.append(ids)
            bindings.append(ids.map { "\"\($0)\"" })
            sql = """
                SELECT id, issued_at FROM commands WHERE \(live) AND EXISTS (
                    SELECT 1 FROM unnest($3::text[], $4::text[]) AS returned (id, quoted)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM command_deliveries
                        WHERE command_id = commands.id AND device_id = returned.id)
                    AND strpos(expected_devices, returned.quoted) > 0)
                \(order)
                """
        } else {
            sql = "SELECT id, issued_at, expected_devices FROM commands WHERE \(live) \(order)"
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await pool.read { connection in
            try await connection.rows(query, logger: pool.logger).compactMap { row in
                let values = row.values()
                if !searched {
                    guard try values.deviceIDs("expected_devices").contains(where: devices.contains) else { return nil }
                }
                return UnsettledCommand(
                    id: try values.uuid("id"), issuedAt: try values.date("issued_at"), expectsAnswers: true)
            }
        }
    }

    func unsettled(ids: [UUID]) async throws -> [Command] {
        guard !ids.isEmpty else { return [] }
        return try await select("WHERE NOT settled AND id = ANY($1)") { $0.append(ids) }
    }

    private static func bindUnsettled(
        _ bindings: inout PostgresBindings, at date: Date, issuedBefore: Date?, limit: Int
    ) {
        bindings.append(date.millisecondsSince1970)
        bindings.append((issuedBefore ?? .distantFuture).millisecondsSince1970)
        bindings.append(max(limit, 0))
    }
}
