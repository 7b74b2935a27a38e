import CSQLite

/// One open SQLite database handle with its prepared statements. Not thread-safe and not `Sendable`: only
/// `SQLiteDatabase`'s thread holds one, and the closures it runs borrow it for their duration.
final class SQLiteConnection {
    let handle: OpaquePointer
    /// Prepared statements by SQL text, reused: preparing costs more than running the statements the store runs.
    private var statements: [StatementKey: SQLiteStatement] = [:]
    /// Past this many, the cache starts again (the store uses about fifty single-row statements).
    private static let statementCacheLimit = 128

    /// Set before the process's first connection, while SQLite can still be configured. Its result is not
    /// checked: SQLITE_MISUSE means SQLite was initialized first, which leaves the statistics on and is harmless.
    private static let memoryStatisticsDisabled: Void = { _ = csqlite_disable_memory_statistics() }()

    /// Opens (creating) the database file at `path`.
    init(path: String) throws(SQLiteError) {
        Self.memoryStatisticsDisabled
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: status, message: message)
        }
        self.handle = handle
    }

    /// The thread that checkpoints for this connection, once `checkpointInBackground` started it.
    var checkpointer: SQLiteCheckpointer?

    /// Finalizes every statement, stops the checkpointing thread and closes the handle; the connection is not used
    /// again. As the last connection, closing checkpoints the whole log and removes it.
    func close() {
        stopBackgroundCheckpoints()
        for statement in statements.values { statement.finalize() }
        statements = [:]
        sqlite3_close_v2(handle)
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        try withStatement(sql, binds.count) { statement throws(SQLiteError) in try statement.run(binds, on: handle) }
    }

    /// Rows the last INSERT, UPDATE or DELETE on this connection changed, not counting what foreign-key cascades did.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs one statement whose rows, if any, are not wanted.
    func execute(_ sql: String, _ binds: [SQLiteValue] = []) throws(SQLiteError) {
        try withStatement(sql, binds.count) { statement throws(SQLiteError) in
            try statement.run(binds, on: handle, keepingRows: false)
        }
    }

    /// Multi-row statements (many rows' values in one statement) are prepared for each use and not kept: they
    /// come in as many sizes as batches do, each compiled program is large, and their preparing is shared by
    /// every row they write. Kept, they grew the gateway by megabytes after a broadcast's acknowledgements.
    private static let cachedBindLimit = 32

    private func withStatement<T>(
        _ sql: String, _ bindCount: Int, _ body: (SQLiteStatement) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        guard bindCount <= Self.cachedBindLimit else {
            let statement = try SQLiteStatement(sql, on: handle, persistent: false)
            defer { statement.finalize() }
            return try body(statement)
        }
        return try body(try prepared(sql))
    }

    /// The `synchronous` setting of the next commits; nil until set.
    private var durability: SQLiteDurability?

    /// Sets how the next commits reach the disk; outside a transaction, as SQLite requires.
    func setDurability(_ wanted: SQLiteDurability) throws(SQLiteError) {
        guard wanted != durability else { return }
        // FULL, not NORMAL, for synced: in WAL mode NORMAL may lose the last commits on power loss.
        try execute(wanted == .synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        durability = wanted
    }

    /// Whether a transaction is open: SQLite rolls one back by itself after some errors (a full disk, I/O).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    private func prepared(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        let key = StatementKey(sql: sql)
        if let statement = statements[key] { return statement }
        if statements.count >= Self.statementCacheLimit {
            for statement in statements.values { statement.finalize() }
            statements.removeAll(keepingCapacity: true)
        }
        let statement = try SQLiteStatement(sql, on: handle)
        statements[key] = statement
        return statement
    }
}

/// The statement cache's key: the SQL text, compared whole but hashed by its length and at most 16 of its bytes.
/// Hashing the whole text (hundreds of bytes) on every statement was a percent of the gateway's CPU while it
/// recorded a broadcast's acknowledgements, two statements each; the store's statements differ in length or in
/// the sampled bytes, and a collision would only cost a comparison.
private struct StatementKey: Hashable {
    let sql: String

    static func == (left: StatementKey, right: StatementKey) -> Bool { left.sql == right.sql }

    func hash(into hasher: inout Hasher) {
        let sample = sql.utf8.withContiguousStorageIfAvailable { bytes in
            var sample = UInt64(bytes.count)
            let stride = max(1, bytes.count / 16)
            for index in Swift.stride(from: 0, to: bytes.count, by: stride).prefix(16) {
                sample = sample &* 31 &+ UInt64(bytes[index])
            }
            return sample
        }
        if let sample { hasher.combine(sample) } else { hasher.combine(sql) }
    }
}
