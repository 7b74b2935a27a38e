import CSQLite

extension SQLiteConnection {
    /// Hands this connection's checkpoints to a thread of their own (`SQLiteCheckpointer`) instead of running
    /// them inside the commit that crossed SQLite's threshold. For a database file in WAL mode; does nothing for
    /// an in-memory one, or when already started.
    func checkpointInBackground(
        threshold: Int = SQLiteCheckpointer.defaultThreshold,
        writerLimit: Int = 8 * SQLiteCheckpointer.defaultThreshold
    ) throws(SQLiteError) {
        guard checkpointer == nil, let name = sqlite3_db_filename(handle, "main") else { return }
        let path = String(cString: name)
        guard !path.isEmpty else { return }
        let started = try SQLiteCheckpointer.start(path: path, threshold: threshold, writerLimit: writerLimit)
        checkpointer = started
        // Replaces SQLite's automatic checkpoint, which is itself a WAL hook. Unretained: `checkpointer` keeps it
        // alive for as long as the hook is installed (until `stopBackgroundCheckpoints`).
        sqlite3_wal_hook(handle, reportLogLength, Unmanaged.passUnretained(started).toOpaque())
    }

    /// Uninstalls the hook and stops the checkpointing thread; SQLite checkpoints inside commits again.
    func stopBackgroundCheckpoints() {
        guard let checkpointer else { return }
        sqlite3_wal_autocheckpoint(handle, Int32(SQLiteCheckpointer.defaultThreshold))
        checkpointer.stop()
        self.checkpointer = nil
    }

    /// Copies what it can of the log into the database file without waiting for any lock.
    func checkpointPassively() -> Int32 {
        sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}

/// SQLite's WAL hook: runs on the writing connection's thread after each commit, with the log's length in frames.
private func reportLogLength(
    context: UnsafeMutableRawPointer?, database: OpaquePointer?, name: UnsafePointer<CChar>?, frames: Int32
) -> Int32 {
    guard let context else { return SQLITE_OK }
    let checkpointer = Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue()
    if Int(frames) >= checkpointer.writerLimit {
        if sqlite3_wal_checkpoint_v2(database, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
            checkpointer.writerCheckpointed()
        }
    } else {
        checkpointer.logGrew(to: Int(frames))
    }
    // Anything else would make the statement that committed report an error, though its commit happened.
    return SQLITE_OK
}
