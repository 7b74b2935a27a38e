import Foundation
import HookcastProtocol
import Logging

/// Brings a database up to the newest schema at start-up, applying only migrations it has not seen.
struct SQLiteMigrator {
    let migrations: [SQLiteMigration]
    let logger: Logger

    /// Returns the versions applied by this call.
    @discardableResult
    func migrate(_ database: SQLiteDatabase) async throws -> [Int] {
        try await database.write { connection in
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        }
        let applied = try await database.read { connection in
            try connection.query("SELECT version FROM schema_migrations").map { try $0.int("version") }
        }
        let known = migrations.map(\.version).max() ?? 0
        if let newest = applied.max(), newest > known {
            throw StoreError.unavailable(
                "The database has schema version \(newest), newer than this Hookcast knows (\(known)); "
                    + "run the newer Hookcast or restore a backup."
            )
        }
        var appliedNow: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try await database.write { connection in
                for statement in migration.statements {
                    try connection.execute(statement)
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(migration.version), .text(JSONCoding.timestamp(Date()))]
                )
            }
            logger.info("Applied database migration", metadata: ["version": "\(migration.version)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}
