import Foundation

/// `RetentionRepository` on SQLite. Each call is one unsynced write job: a pruning lost to a power cut is simply
/// done again, and an unsynced job joins the webhooks' group commit instead of paying an fsync of its own. Its
/// `limit` keeps the job short, so the webhooks sharing its transaction wait milliseconds, not seconds.
struct SQLiteRetentionRepository: RetentionRepository {
    let database: SQLiteDatabase

    func finishedCommands(issuedBefore: Date, expiredBefore: Date, limit: Int) async throws -> [UUID] {
        // Walks `commands_issued_at` from the oldest: stops after `limit` matches.
        try await database.read { connection in
            try connection.query(
                """
                SELECT id FROM commands
                WHERE issued_at < ? AND expires_at < ? AND id NOT IN (SELECT command_id FROM emergency_holds)
                ORDER BY issued_at, seq LIMIT ?
                """, [.date(issuedBefore), .date(expiredBefore), .integer(max(limit, 0))]
            ).map { try $0.uuid("id") }
        }
    }

    func deleteDeliveryRows(of commandIDs: [UUID], limit: Int) async throws -> Int {
        guard !commandIDs.isEmpty, limit > 0 else { return 0 }
        let ids = commandIDs.map(SQLiteValue.uuid)
        return try await database.write(durability: .unsynced) { connection in
            var deleted = 0
            for table in ["command_deliveries", "command_redeliveries"] where deleted < limit {
                for chunk in ids.statementChunks where deleted < limit {
                    try connection.execute(
                        """
                        DELETE FROM \(table) WHERE rowid IN (
                            SELECT rowid FROM \(table) WHERE command_id IN (\(placeholderList(chunk.count))) LIMIT ?)
                        """, Array(chunk) + [.integer(limit - deleted)])
                    deleted += connection.changes
                }
            }
            return deleted
        }
    }

    func deleteCommands(_ ids: [UUID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let binds = ids.map(SQLiteValue.uuid)
        return try await database.write(durability: .unsynced) { connection in
            var deleted = 0
            for chunk in binds.statementChunks {
                try connection.execute(
                    "DELETE FROM commands WHERE id IN (\(placeholderList(chunk.count)))", Array(chunk))
                deleted += connection.changes
            }
            return deleted
        }
    }

    func deleteAuditEntries(before: Date, limit: Int) async throws -> Int {
        // Ids are time-ordered: the primary key's order is the oldest first.
        try await delete(
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)",
            [.date(before), .integer(max(limit, 0))])
    }

    func deleteFinishedCallbackReports(createdBefore before: Date, limit: Int) async throws -> Int {
        try await delete(
            """
            DELETE FROM callback_reports WHERE id IN (
                SELECT id FROM callback_reports
                WHERE state IN ('delivered', 'failed') AND created_at < ? ORDER BY id LIMIT ?)
            """, [.date(before), .integer(max(limit, 0))])
    }

    func deleteCAPAlerts(receivedBefore before: Date, limit: Int) async throws -> Int {
        try await delete(
            "DELETE FROM cap_alerts WHERE id IN (SELECT id FROM cap_alerts WHERE received_at < ? LIMIT ?)",
            [.date(before), .integer(max(limit, 0))])
    }

    private func delete(_ sql: String, _ binds: [SQLiteValue]) async throws -> Int {
        try await database.write(durability: .unsynced) { connection in
            try connection.execute(sql, binds)
            return connection.changes
        }
    }
}
