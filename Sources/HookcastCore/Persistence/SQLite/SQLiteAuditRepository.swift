import Foundation
import HookcastProtocol

struct SQLiteAuditRepository: AuditRepository {
    let database: SQLiteDatabase

    static let columns = """
        id, at, kind, actor_type, actor_id, actor_name, remote_address, event_id, command_ids, status, error_code, \
        resource, resource_id, operation, before_state, after_state, count
        """

    /// One multi-row statement per chunk (500 rows of 17 values stay inside SQLite's variable limit), like the
    /// commands' group commit: the entries of many webhooks at once.
    func insert(_ entries: [AuditEntry], synced: Bool) async throws {
        guard !entries.isEmpty else { return }
        let rows = try entries.map(Self.values)
        try await database.write(
            conflictMessage: "an audit entry in the batch already exists", durability: synced ? .synced : .unsynced
        ) { connection in
            for chunk in rows.statementChunks {
                let row = "(\(placeholderList(17)))"
                try connection.execute(
                    "INSERT INTO audit_log (\(Self.columns)) VALUES "
                        + Array(repeating: row, count: chunk.count).joined(separator: ", "),
                    chunk.flatMap { $0 })
            }
        }
    }

    func page(before: UUID?, kind: AuditEntry.Kind?, limit: Int) async throws -> [AuditEntry] {
        var conditions: [String] = []
        var binds: [SQLiteValue] = []
        if let before {
            conditions.append("id < ?")
            binds.append(.uuid(before))
        }
        if let kind {
            conditions.append("kind = ?")
            binds.append(.text(kind.rawValue))
        }
        binds.append(.integer(max(limit, 0)))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM audit_log \(filter) ORDER BY id DESC LIMIT ?"
        return try await database.read { [binds] in try $0.query(sql, binds).map(Self.decode) }
    }

    private static func values(_ entry: AuditEntry) throws -> [SQLiteValue] {
        [
            .uuid(entry.id), .date(entry.at), .text(entry.kind.rawValue), .text(entry.actor.type.rawValue),
            .text(entry.actor.id), .text(entry.actor.name), .text(entry.remoteAddress), .text(entry.eventID),
            .text(entry.commandIDsJSON), entry.status.map { .integer($0) } ?? .null,
            .text(entry.errorCode), .text(entry.resource), .text(entry.resourceID), .text(entry.operation),
            try .json(entry.before), try .json(entry.after), .integer(entry.count),
        ]
    }

    private static func decode(_ row: SQLiteRow) throws -> AuditEntry {
        guard let kind = AuditEntry.Kind(rawValue: try row.string("kind")),
            let actor = AuditActor.Kind(rawValue: try row.string("actor_type"))
        else { throw StoreError.unavailable("The database holds an unreadable audit entry.") }
        let commandIDs = try row.json([String].self, "command_ids").map { text in
            guard let id = UUID(uuidString: text) else {
                throw StoreError.unavailable("The database holds an unreadable value in column 'command_ids'.")
            }
            return id
        }
        return AuditEntry(
            id: try row.uuid("id"), at: try row.date("at"), kind: kind,
            actor: AuditActor(
                type: actor, id: try row.optionalString("actor_id"), name: try row.optionalString("actor_name")),
            remoteAddress: try row.optionalString("remote_address"), eventID: try row.optionalString("event_id"),
            commandIDs: commandIDs, status: row.column("status")?.integer,
            errorCode: try row.optionalString("error_code"),
            resource: try row.optionalString("resource"), resourceID: try row.optionalString("resource_id"),
            operation: try row.optionalString("operation"),
            before: try row.optionalJSON(JSONValue.self, "before_state"),
            after: try row.optionalJSON(JSONValue.self, "after_state"), count: try row.int("count"))
    }
}
