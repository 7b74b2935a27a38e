import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresAuditRepository: AuditRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    private static let columns = """
        id, at, kind, actor_type, actor_id, actor_name, remote_address, event_id, command_ids, status, error_code, \
        resource, resource_id, operation, before_state, after_state, count
        """

    /// One multi-row statement per 1,000 entries (17,000 parameters, inside PostgreSQL's 65,535).
    func insert(_ entries: [AuditEntry], synced: Bool) async throws {
        guard !entries.isEmpty else { return }
        var queries: [PostgresQuery] = []
        for chunk in entries.statementChunks {
            var statement = PostgresStatement()
            var rows: [String] = []
            for entry in chunk { rows.append("(\(try Self.bind(entry, &statement).joined(separator: ", ")))") }
            queries.append(
                statement.query("INSERT INTO audit_log (\(Self.columns)) VALUES " + rows.joined(separator: ", ")))
        }
        try await pool.write(conflictMessage: "an audit entry in the batch already exists") { [queries] connection in
            if !synced { try await connection.rows("SET LOCAL synchronous_commit TO OFF", logger: logger) }
            for query in queries { try await connection.rows(query, logger: logger) }
        }
    }

    func page(before: UUID?, kind: AuditEntry.Kind?, limit: Int) async throws -> [AuditEntry] {
        var statement = PostgresStatement()
        var conditions: [String] = []
        if let before { conditions.append("id < \(statement.bind(before))") }
        if let kind { conditions.append("kind = \(statement.bind(kind.rawValue))") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let count = statement.bind(max(limit, 0))
        let query = statement.query("SELECT \(Self.columns) FROM audit_log \(filter) ORDER BY id DESC LIMIT \(count)")
        return try await pool.read { connection in
            try await connection.rows(query, logger: logger).map(Self.decode)
        }
    }

    private static func bind(_ entry: AuditEntry, _ statement: inout PostgresStatement) throws -> [String] {
        try [
            statement.bind(entry.id), statement.bind { $0.append(date: entry.at) }, statement.bind(entry.kind.rawValue),
            statement.bind(entry.actor.type.rawValue), statement.bind { $0.append(text: entry.actor.id) },
            statement.bind { $0.append(text: entry.actor.name) },
            statement.bind { $0.append(text: entry.remoteAddress) },
            statement.bind { $0.append(text: entry.eventID) },
            statement.bind(entry.commandIDsJSON),
            statement.bind { if let status = entry.status { $0.append(status) } else { $0.appendNull() } },
            statement.bind { $0.append(text: entry.errorCode) }, statement.bind { $0.append(text: entry.resource) },
            statement.bind { $0.append(text: entry.resourceID) }, statement.bind { $0.append(text: entry.operation) },
            statement.bind { try $0.append(json: entry.before) }, statement.bind { try $0.append(json: entry.after) },
            statement.bind(entry.count),
        ]
    }

    private static func decode(_ row: PostgresRow) throws -> AuditEntry {
        let values = row.values()
        guard let kind = AuditEntry.Kind(rawValue: try values.string("kind")),
            let actor = AuditActor.Kind(rawValue: try values.string("actor_type"))
        else { throw StoreError.unavailable("The database holds an unreadable audit entry.") }
        let commandIDs = try values.json([String].self, "command_ids").map { text in
            guard let id = UUID(uuidString: text) else {
                throw StoreError.unavailable("The database holds an unreadable value in column 'command_ids'.")
            }
            return id
        }
        let status: Int?
        do {
            status = try values["status"].decode(Int?.self)
        } catch {
            throw StoreError.unavailable("The database holds an unreadable value in column 'status'.")
        }
        return AuditEntry(
            id: try values.uuid("id"), at: try values.date("at"), kind: kind,
            actor: AuditActor(
                type: actor, id: try values.optionalString("actor_id"), name: try values.optionalString("actor_name")),
            remoteAddress: try values.optionalString("remote_address"), eventID: try values.optionalString("event_id"),
            commandIDs: commandIDs, status: status, errorCode: try values.optionalString("error_code"),
            resource: try values.optionalString("resource"), resourceID: try values.optionalString("resource_id"),
            operation: try values.optionalString("operation"),
            before: try values.optionalJSON(JSONValue.self, "before_state"),
            after: try values.optionalJSON(JSONValue.self, "after_state"), count: try values.int("count"))
    }
}
