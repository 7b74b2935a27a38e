import Foundation
import HookcastProtocol

/// The reads of a redelivery scan: the unsettled commands, their summaries, and the due ones in full.
extension SQLiteCommandRepository {
    /// Above this many devices back online, their search reads the lists instead of searching the text once per
    /// device and row.
    static let textSearchMaximum = 32

    private static let unsettledSelection = """
        WHERE settled = 0 AND published_at IS NOT NULL AND expires_at > ? AND issued_at <= ?
        ORDER BY issued_at, seq LIMIT ?
        """

    func unsettled(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [Command] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.readColumns) FROM commands \(Self.unsettledSelection)",
                Self.unsettledBindings(at: date, issuedBefore: issuedBefore, limit: limit)
            ).map(Self.decode)
        }
    }

    /// The store writes an empty device list as `[]` and no other way, so comparing the text tells an empty list
    /// without parsing a long one (SQLite still copies its pages to compare: Debian's 3.40 has no `octet_length`,
    /// which would read the length from the record header). Another spelling of an empty list would only make it
    /// look due; the whole read then finds it empty and settles it.
    func unsettledSummaries(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [UnsettledCommand] {
        try await database.read {
            try $0.query(
                """
                SELECT id, issued_at, expected_devices <> '[]' AS expects_answers FROM commands
                \(Self.unsettledSelection)
                """,
                Self.unsettledBindings(at: date, issuedBefore: issuedBefore, limit: limit)
            ).map {
                UnsettledCommand(
                    id: try $0.uuid("id"), issuedAt: try $0.date("issued_at"),
                    expectsAnswers: try $0.bool("expects_answers"))
            }
        }
    }

    /// A few devices (each back online): for each one that has not answered a command, its id searched for in the
    /// stored list's text, as the store spells it (`"id"`: an id needs no escapes, and the quotes keep `d1` from
    /// matching `d10`), without reading a list into memory. Many (a fleet reconnecting at once): the lists are
    /// read, one pass each, and looked up in a set; those commands may have been answered (the due read tells).
    func unsettledSummaries(at date: Date, awaitingAnswerFrom devices: Set<DeviceID>, limit: Int) async throws
        -> [UnsettledCommand]
    {
        guard !devices.isEmpty else { return [] }
        let live = "settled = 0 AND published_at IS NOT NULL AND expires_at > ?"
        let order = "ORDER BY issued_at, seq LIMIT ?"
        if devices.count <= Self.textSearchMaximum {
            // The answer first: a primary-key lookup that spares the text search for a device that answered.
            let answered = "SELECT 1 FROM command_deliveries WHERE command_id = commands.id AND device_id = ?"
            let search = Array(
                repeating: "(NOT EXISTS (\(answered)) AND instr(expected_devices, ?) > 0)", count: devices.count
            ).joined(separator: " OR ")
            let bindings =
                [SQLiteValue.date(date)] + devices.flatMap { [.text($0.rawValue), .text("\"\($0.rawValue)\"")] }
            return try await database.read {
                try $0.query(
                    "SELECT id, issued_at FROM commands WHERE \(live) AND (\(search)) \(order)",
                    bindings + [.integer(max(limit, 0))]
                ).map {
                    UnsettledCommand(id: try $0.uuid("id"), issuedAt: try $0.date("issued_at"), expectsAnswers: true)
                }
            }
        }
        return try await database.read {
            try $0.query(
                "SELECT id, issued_at, expected_devices FROM commands WHERE \(live) \(order)",
                [.date(date), .integer(max(limit, 0))]
            ).compactMap { row in
                guard try row.deviceIDs("expected_devices").contains(where: devices.contains) else { return nil }
                return UnsettledCommand(
                    id: try row.uuid("id"), issuedAt: try row.date("issued_at"), expectsAnswers: true)
            }
        }
    }

    func unsettled(ids: [UUID]) async throws -> [Command] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { connection in
            var commands: [Command] = []
            for chunk in ids.statementChunks {
                commands += try connection.query(
                    """
                    SELECT \(Self.readColumns) FROM commands
                    WHERE settled = 0 AND id IN (\(placeholderList(chunk.count)))
                    """,
                    chunk.map { SQLiteValue.uuid($0) }
                ).map(Self.decode)
            }
            return commands
        }
    }

    private static func unsettledBindings(at date: Date, issuedBefore: Date?, limit: Int) -> [SQLiteValue] {
        [.date(date), .date(issuedBefore ?? .distantFuture), .integer(max(limit, 0))]
    }
}
