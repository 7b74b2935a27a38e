import Foundation
import HookcastProtocol

struct SQLiteCallbackReportRepository: CallbackReportRepository {
    let database: SQLiteDatabase

    static let columns = """
        id, url, secret, command_ids, subject, state, attempts, next_attempt_at, last_status, last_error, \
        created_at, completed_at, delivered_at, payload, webhook_id
        """

    func insert(_ report: CallbackReport) async throws {
        try await database.write(conflictMessage: "callback report '\(report.id.lowercasedString)' already exists") {
            try Self.insert(report, $0)
        }
    }

    /// Inside a transaction of the caller's: the commands' insert stores their report with them.
    static func insert(_ report: CallbackReport, _ connection: SQLiteConnection) throws {
        try connection.execute(
            "INSERT INTO callback_reports (\(columns)) VALUES (\(placeholderList(15)))",
            [
                .uuid(report.id), .text(report.url), .bytes(report.encryptedSecret), .text(report.commandIDsJSON),
                try .json(report.subject), .text(report.state.rawValue), .integer(report.attempts),
                .date(report.nextAttemptAt), report.lastStatus.map { .integer($0) } ?? .null, .text(report.lastError),
                .date(report.createdAt), .date(report.completedAt), .date(report.deliveredAt),
                .bytes(report.payload), .text(report.webhookID),
            ])
    }

    func find(id: UUID) async throws -> CallbackReport? {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM callback_reports WHERE id = ?", [.uuid(id)]).first.map(
                Self.decode)
        }
    }

    func page(before: UUID?, state: CallbackReport.State?, limit: Int) async throws -> [CallbackReport] {
        var conditions: [String] = []
        var binds: [SQLiteValue] = []
        if let before {
            conditions.append("id < ?")
            binds.append(.uuid(before))
        }
        if let state {
            conditions.append("state = ?")
            binds.append(.text(state.rawValue))
        }
        binds.append(.integer(max(limit, 0)))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM callback_reports \(filter) ORDER BY id DESC LIMIT ?"
        return try await database.read { [binds] in try $0.query(sql, binds).map(Self.decode) }
    }

    /// A scan of the JSON text: only the admin's command view asks, one command at a time.
    func find(commandID: UUID) async throws -> [CallbackReport] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.columns) FROM callback_reports WHERE instr(command_ids, ?) > 0 ORDER BY id DESC",
                [.text("\"\(commandID.lowercasedString)\"")]
            ).map(Self.decode)
        }
    }

    func waiting(limit: Int) async throws -> [CallbackReport] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.columns) FROM callback_reports WHERE state = 'waiting' ORDER BY id LIMIT ?",
                [.integer(max(limit, 0))]
            ).map(Self.decode)
        }
    }

    func complete(id: UUID, payload: Data, webhookID: String, at date: Date) async throws -> Bool {
        try await database.write {
            try !$0.query(
                """
                UPDATE callback_reports SET state = 'sending', payload = ?, webhook_id = ?, completed_at = ?,
                    next_attempt_at = ?
                WHERE id = ? AND state = 'waiting' RETURNING id
                """,
                [.bytes(payload), .text(webhookID), .date(date), .date(date), .uuid(id)]
            ).isEmpty
        }
    }

    func due(at date: Date, limit: Int) async throws -> [CallbackReport] {
        try await database.read {
            try $0.query(
                """
                SELECT \(Self.columns) FROM callback_reports
                WHERE state = 'sending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                """,
                [.date(date), .integer(max(limit, 0))]
            ).map(Self.decode)
        }
    }

    func nextAttempt() async throws -> Date? {
        try await database.read {
            try $0.query(
                "SELECT MIN(next_attempt_at) AS next FROM callback_reports WHERE state = 'sending'"
            ).first?.optionalDate("next")
        }
    }

    func claim(id: UUID, expected: Date, until: Date) async throws -> Bool {
        try await database.write {
            try !$0.query(
                """
                UPDATE callback_reports SET next_attempt_at = ?
                WHERE id = ? AND state = 'sending' AND next_attempt_at = ? RETURNING id
                """,
                [.date(until), .uuid(id), .date(expected)]
            ).isEmpty
        }
    }

    func record(id: UUID, attempt: CallbackAttempt) async throws {
        let updated = try await database.write {
            try $0.query(
                """
                UPDATE callback_reports SET attempts = attempts + 1, last_status = ?, last_error = ?, state = ?,
                    next_attempt_at = ?, delivered_at = COALESCE(?, delivered_at)
                WHERE id = ? RETURNING id
                """,
                [
                    attempt.status.map { .integer($0) } ?? .null, .text(attempt.error), .text(attempt.state.rawValue),
                    .date(attempt.state == .sending ? attempt.nextAttemptAt : nil),
                    .date(attempt.state == .delivered ? attempt.at : nil), .uuid(id),
                ]
            )
        }
        guard !updated.isEmpty else {
            throw StoreError.notFound("callback report '\(id.lowercasedString)' does not exist")
        }
    }

    func retry(id: UUID, at date: Date) async throws -> CallbackReport? {
        try await database.write {
            try $0.execute(
                """
                UPDATE callback_reports SET state = 'sending', attempts = 0, next_attempt_at = ?
                WHERE id = ? AND state = 'failed' AND payload IS NOT NULL
                """,
                [.date(date), .uuid(id)])
            return try $0.query("SELECT \(Self.columns) FROM callback_reports WHERE id = ?", [.uuid(id)]).first.map(
                Self.decode)
        }
    }

    private static func decode(_ row: SQLiteRow) throws -> CallbackReport {
        guard let state = CallbackReport.State(rawValue: try row.string("state")),
            let commandIDs = CallbackReport.commandIDs(fromJSON: try row.string("command_ids"))
        else { throw StoreError.unavailable("The database holds an unreadable callback report.") }
        return CallbackReport(
            id: try row.uuid("id"), url: try row.string("url"), encryptedSecret: try row.bytes("secret"),
            commandIDs: commandIDs, subject: try row.json(JSONValue.self, "subject"), state: state,
            attempts: try row.int("attempts"), nextAttemptAt: try row.optionalDate("next_attempt_at"),
            lastStatus: try row.optionalInt("last_status"), lastError: try row.optionalString("last_error"),
            createdAt: try row.date("created_at"), completedAt: try row.optionalDate("completed_at"),
            deliveredAt: try row.optionalDate("delivered_at"), payload: try row.optionalBytes("payload"),
            webhookID: try row.optionalString("webhook_id"))
    }
}
