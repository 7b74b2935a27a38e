import CSQLite
import Foundation
import Synchronization

/// Copies the write-ahead log back into the database file on a connection and thread of its own, so that no
/// commit waits for it. SQLite's automatic checkpoint runs inside the commit that crossed its threshold: at 1,000
/// webhooks/s that was one commit every ~165 ms writing ~450 pages and fsyncing the database file (3.5 ms) before
/// it answered, with every webhook behind it waiting (bench/README.md, "Checkpoints off the commit path").
///
/// The writing connection reports the log's length after each commit (`logGrew`); past `threshold` frames this
/// thread runs a passive checkpoint, which takes no lock a writer needs. Once a checkpoint has copied every frame,
/// the writer's next transaction starts the log again from its beginning, so the file stays near `threshold`
/// pages. Past `writerLimit` frames (this thread cannot keep up, or its checkpoints fail) the writer checkpoints
/// itself, as SQLite would, so the log stays bounded whatever happens here.
///
/// Durability is SQLite's: a checkpoint syncs the log before copying and the database file after
/// (`synchronous = FULL` on this connection too), and the log is reused only after that.
final class SQLiteCheckpointer: Sendable {
    /// SQLite's own default for its automatic checkpoint, in frames (pages).
    static let defaultThreshold = 1000

    let threshold: Int
    let writerLimit: Int

    private struct State {
        var requested = false
        var stopping = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let completed = Atomic<Int>(0)
    private let byWriter = Atomic<Int>(0)

    /// Checkpoints this thread ran to the end.
    var checkpointsCompleted: Int { completed.load(ordering: .relaxed) }
    /// Checkpoints the writer ran itself because the log passed `writerLimit`.
    var checkpointsByWriter: Int { byWriter.load(ordering: .relaxed) }

    private init(threshold: Int, writerLimit: Int) {
        self.threshold = threshold
        self.writerLimit = writerLimit
    }

    /// Opens a second connection to the database at `path` (already in WAL mode) on a new thread, which then
    /// checkpoints on request until `stop`. Blocks its caller until the connection is open.
    static func start(
        path: String, threshold: Int = defaultThreshold, writerLimit: Int = 8 * defaultThreshold
    ) throws(SQLiteError) -> SQLiteCheckpointer {
        let checkpointer = SQLiteCheckpointer(threshold: threshold, writerLimit: writerLimit)
        let opened = Mutex<SQLiteError?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread {
            let connection: SQLiteConnection
            do throws(SQLiteError) {
                connection = try SQLiteConnection(path: path)
                // The checkpoint's syncs follow this connection's setting; it never commits anything itself.
                try connection.execute("PRAGMA synchronous = FULL")
                // A checkpoint reads frames from the log directly, not through the page cache.
                try connection.execute("PRAGMA cache_size = 8")
            } catch {
                opened.withLock { $0 = error }
                ready.signal()
                return
            }
            ready.signal()
            checkpointer.serve(connection)
        }
        thread.name = "hookcast-sqlite-checkpoint"
        thread.start()
        ready.wait()
        if let error = opened.withLock({ $0 }) { throw error }
        return checkpointer
    }

    /// Called by the writing connection after each commit (SQLite's WAL hook, on the writer's thread) with the
    /// log's length in frames. Only signals: the writer never waits for this thread.
    func logGrew(to frames: Int) {
        guard frames >= threshold else { return }
        let signal = state.withLock { state -> Bool in
            guard !state.requested, !state.stopping else { return false }
            state.requested = true
            return true
        }
        if signal { wakeUp.signal() }
    }

    /// Counts a checkpoint the writer ran itself (`writerLimit`).
    func writerCheckpointed() {
        byWriter.add(1, ordering: .relaxed)
    }

    /// Stops the thread after the checkpoint it may be running, and closes its connection. Blocks until then.
    func stop() {
        let signal = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard signal else { return }
        wakeUp.signal()
        stopped.wait()
    }

    private func serve(_ connection: SQLiteConnection) {
        while true {
            wakeUp.wait()
            let (run, stop) = state.withLock { state -> (Bool, Bool) in
                defer { state.requested = false }
                return (state.requested, state.stopping)
            }
            if stop {
                connection.close()
                stopped.signal()
                return
            }
            // One SQLite refuses (busy, I/O) is tried again at the next request.
            if run, connection.checkpointPassively() == SQLITE_OK { completed.add(1, ordering: .relaxed) }
        }
    }
}
