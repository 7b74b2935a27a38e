import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresCallbackReportRepository: CallbackReportRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    static let columns = """
        id, url, secret, command_ids, subject, state, attempts, next_attempt_at, last_status, last_error, \
        created_at, completed_at, delivered_at, payload, webhook_id
        """

    func insert(_ report: CallbackReport) async throws {
        let query = try Self.insertQuery(report)
        try await pool.write(conflictMessage: "callback report '\(report.id.lowercasedString)' already exists") {
            [logger] connection in
            try await connection.rows(query, logger: logger)
        }
    }

    /// Also run inside the commands' transaction, which stores their report with them.
    static func insertQuery(_ report: CallbackReport) throws -> PostgresQuery {
        var statement = PostgresStatement()
        let values = try [
            statement.bind(report.id), statement.bind(report.url),
            statement.bind { $0.append(bytes: report.encryptedSecret) }, statement.bind(report.commandIDsJSON),
            statement.bind { try $0.append(json: report.subject) }, statement.bind(report.state.rawValue),
            statement.bind(report.attempts), statement.bind { $0.append(date: report.nextAttemptAt) },
            statement.bind { if let status = report.lastStatus { $0.append(status) } else { $0.appendNull() } },
            statement.bind { $0.append(text: report.lastError) }, statement.bind { $0.append(date: report.createdAt) },
            statement.bind { $0.append(date: report.completedAt) },
            statement.bind { $0.append(date: report.deliveredAt) }, statement.bind { $0.append(bytes: report.payload) },
            statement.bind { $0.append(text: report.webhookID) },
        ]
        return statement.query(
            "INSERT INTO callback_reports (\(columns)) VALUES (\(values.joined(separator: ", ")))")
    }

    func find(id: UUID) async throws -> CallbackReport? {
        try await pool.read { [logger] connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM callback_reports WHERE id = \(id)", logger: logger
            ).first.map(Self.decode)
        }
    }

    func page(before: UUID?, state: CallbackReport.State?, limit: Int) async throws -> [CallbackReport] {
        var statement = PostgresStatement()
        var conditions: [String] = []
        if let before { conditions.append("id < \(statement.bind(before))") }
        if let state { conditions.append("state = \(statement.bind(state.rawValue))") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let count = statement.bind(max(limit, 0))
        let query = statement.query(
            "SELECT \(Self.columns) FROM callback_reports \(filter) ORDER BY id DESC LIMIT \(count)")
        return try await pool.read { [logger] connection in
            try await connection.rows(query, logger: logger).map(Self.decode)
        }
    }

    /// A scan of the JSON text: only the admin's command view asks, one command at a time.
    func find(commandID: UUID) async throws -> [CallbackReport] {
        let needle = "\"\(commandID.lowercasedString)\""
        return try await pool.read { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM callback_reports WHERE strpos(command_ids, \(needle)) > 0
                ORDER BY id DESC
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func waiting(limit: Int) async throws -> [CallbackReport] {
        try await pool.read { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM callback_reports WHERE state = 'waiting' ORDER BY id
                LIMIT \(max(limit, 0))
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func complete(id: UUID, payload: Data, webhookID: String, at date: Date) async throws -> Bool {
        var statement = PostgresStatement()
        // The SQL first, then the query: `statement.query` reads the bindings as they are when it is called.
        let sql = """
            UPDATE callback_reports SET state = 'sending', payload = \(statement.bind { $0.append(bytes: payload) }),
                webhook_id = \(statement.bind(webhookID)),
                completed_at = \(statement.bind(date.millisecondsSince1970)),
                next_attempt_at = \(statement.bind(date.millisecondsSince1970))
            WHERE id = \(statement.bind(id)) AND state = 'waiting' RETURNING id
            """
        let query = statement.query(sql)
        return try await pool.write { [logger] connection in
            try await !connection.rows(query, logger: logger).isEmpty
        }
    }

    func due(at date: Date, limit: Int) async throws -> [CallbackReport] {
        try await pool.read { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM callback_reports
                WHERE state = 'sending' AND next_attempt_at <= \(date.millisecondsSince1970)
                ORDER BY next_attempt_at, id LIMIT \(max(limit, 0))
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func nextAttempt() async throws -> Date? {
        try await pool.read { [logger] connection in
            try await connection.rows(
                "SELECT MIN(next_attempt_at) AS next FROM callback_reports WHERE state = 'sending'", logger: logger
            ).first?.values().optionalDate("next")
        }
    }

    func claim(id: UUID, expected: Date, until: Date) async throws -> Bool {
        try await pool.write { [logger] connection in
            try await !connection.rows(
                """
                UPDATE callback_reports SET next_attempt_at = \(until.millisecondsSince1970)
                WHERE id = \(id) AND state = 'sending' AND next_attempt_at = \(expected.millisecondsSince1970)
                RETURNING id
                """, logger: logger
            ).isEmpty
        }
    }

    func record(id: UUID, attempt: CallbackAttempt) async throws {
        var statement = PostgresStatement()
        let status = statement.bind { if let status = attempt.status { $0.append(status) } else { $0.appendNull() } }
        let error = statement.bind { $0.append(text: attempt.error) }
        let state = statement.bind(attempt.state.rawValue)
        let next = statement.bind { $0.append(date: attempt.state == .sending ? attempt.nextAttemptAt : nil) }
        let delivered = statement.bind { $0.append(date: attempt.state == .delivered ? attempt.at : nil) }
        let reportID = statement.bind(id)
        let query = statement.query(
            """
            UPDATE callback_reports SET attempts = attempts + 1, last_status = \(status), last_error = \(error),
                state = \(state), next_attempt_at = \(next), delivered_at = COALESCE(\(delivered), delivered_at)
            WHERE id = \(reportID) RETURNING id
            """)
        let updated = try await pool.write { [logger] connection in
            try await connection.rows(query, logger: logger).count
        }
        guard updated > 0 else { throw StoreError.notFound("callback report '\(id.lowercasedString)' does not exist") }
    }

    func retry(id: UUID, at date: Date) async throws -> CallbackReport? {
        try await pool.write { [logger] connection in
            try await connection.rows(
                """
                UPDATE callback_reports SET state = 'sending', attempts = 0,
                    next_attempt_at = \(date.millisecondsSince1970)
                WHERE id = \(id) AND state = 'failed' AND payload IS NOT NULL
                """, logger: logger)
            return try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM callback_reports WHERE id = \(id)", logger: logger
            ).first.map(Self.decode)
        }
    }

    private static func decode(_ row: PostgresRow) throws -> CallbackReport {
        let values = row.values()
        guard let state = CallbackReport.State(rawValue: try values.string("state")),
            let commandIDs = CallbackReport.commandIDs(fromJSON: try values.string("command_ids"))
        else { throw StoreError.unavailable("The database holds an unreadable callback report.") }
        let lastStatus: Int?
        do {
            lastStatus = try values["last_status"].decode(Int?.self)
        } catch {
            throw StoreError.unavailable("The database holds an unreadable value in column 'last_status'.")
        }
        return CallbackReport(
            id: try values.uuid("id"), url: try values.string("url"), encryptedSecret: try values.bytes("secret"),
            commandIDs: commandIDs, subject: try values.json(JSONValue.self, "subject"), state: state,
            attempts: try values.int("attempts"), nextAttemptAt: try values.optionalDate("next_attempt_at"),
            lastStatus: lastStatus, lastError: try values.optionalString("last_error"),
            createdAt: try values.date("created_at"), completedAt: try values.optionalDate("completed_at"),
            deliveredAt: try values.optionalDate("delivered_at"), payload: try values.optionalBytes("payload"),
            webhookID: try values.optionalString("webhook_id"))
    }
}
