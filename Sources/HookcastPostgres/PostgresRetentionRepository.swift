import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

/// `RetentionRepository` on PostgreSQL: each call one short transaction without waiting for the WAL flush (a
/// pruning lost to a crash is done again), so the webhooks' commits never queue behind a long delete.
struct PostgresRetentionRepository: RetentionRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    func finishedCommands(issuedBefore: Date, expiredBefore: Date, limit: Int) async throws -> [UUID] {
        let (issued, expired, count) = (issuedBefore.millisecondsSince1970, expiredBefore.millisecondsSince1970, limit)
        return try await pool.read { connection in
            try await connection.rows(
                """
                SELECT id FROM commands
                WHERE issued_at < \(issued) AND expires_at < \(expired)
                    AND NOT EXISTS (SELECT 1 FROM emergency_holds WHERE command_id = commands.id)
                ORDER BY issued_at, seq LIMIT \(max(count, 0))
                """, logger: logger
            ).map { try $0.values().uuid("id") }
        }
    }

    func deleteDeliveryRows(of commandIDs: [UUID], limit: Int) async throws -> Int {
        guard !commandIDs.isEmpty, limit > 0 else { return 0 }
        return try await unsyncedWrite { connection in
            var deleted = 0
            for table in ["command_deliveries", "command_redeliveries"] where deleted < limit {
                deleted += try await connection.rows(
                    """
                    DELETE FROM \(unescaped: table) WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM \(unescaped: table) WHERE command_id = ANY(\(commandIDs))
                        LIMIT \(limit - deleted)))
                    RETURNING 1
                    """, logger: logger
                ).count
            }
            return deleted
        }
    }

    func deleteCommands(_ ids: [UUID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await unsyncedWrite { connection in
            try await connection.rows("DELETE FROM commands WHERE id = ANY(\(ids)) RETURNING 1", logger: logger).count
        }
    }

    func deleteAuditEntries(before: Date, limit: Int) async throws -> Int {
        try await deleteOldest(from: "audit_log", where: "at", isBefore: before, limit: limit)
    }

    func deleteFinishedCallbackReports(createdBefore before: Date, limit: Int) async throws -> Int {
        try await deleteOldest(
            from: "callback_reports", where: "state IN ('delivered', 'failed') AND created_at", isBefore: before,
            limit: limit)
    }

    func deleteCAPAlerts(receivedBefore before: Date, limit: Int) async throws -> Int {
        try await deleteOldest(from: "cap_alerts", where: "received_at", isBefore: before, limit: limit)
    }

    /// Up to `limit` rows of `table` whose `condition` (ending in a time column) is before `date`, by id: ids are
    /// time-ordered, so the oldest go first. `table` and `condition` are this file's constants, never input.
    private func deleteOldest(
        from table: String, where condition: String, isBefore date: Date, limit: Int
    ) async throws -> Int {
        let (cutoff, count) = (date.millisecondsSince1970, max(limit, 0))
        return try await unsyncedWrite { connection in
            try await connection.rows(
                """
                DELETE FROM \(unescaped: table) WHERE id = ANY(ARRAY(
                    SELECT id FROM \(unescaped: table) WHERE \(unescaped: condition) < \(cutoff) ORDER BY id LIMIT \(count)))
                RETURNING 1
                """, logger: logger
            ).count
        }
    }

    private func unsyncedWrite(_ body: @escaping @Sendable (PostgresConnection) async throws -> Int) async throws -> Int
    {
        try await pool.write { connection in
            try await connection.rows("SET LOCAL synchronous_commit TO OFF", logger: logger)
            return try await body(connection)
        }
    }
}
