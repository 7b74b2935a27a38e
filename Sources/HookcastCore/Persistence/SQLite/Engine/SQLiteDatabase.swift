import Foundation
import Synchronization

/// The store's one SQLite connection, owned by a thread of its own that runs whole units of work: a caller hands
/// over a closure (`read`, `write`) and is resumed once, with the closure's result, after the transaction that
/// held it committed. One hop there and one back per unit of work, not one per statement.
///
/// Group commit: the thread takes every job that arrived while it was busy (up to `batchLimit`) and runs the
/// writing ones in one `BEGIN IMMEDIATE … COMMIT`, each inside a savepoint, so the batch pays one fsync and a job
/// that throws rolls back only its own changes. No caller is answered before the commit that holds its changes is
/// written; a `.synced` write (the default) only once that commit is on disk (`SQLiteDurability`).
///
/// Unsynced writes wait up to `unsyncedLinger` for company: a transaction's cost is mostly the pages it writes,
/// and bookkeeping written one webhook at a time (a publish time here, an acknowledgement there) rewrote the same
/// pages hundreds of times a second. Any other job (a read or a synced write) ends the wait at once.
final class SQLiteDatabase: Sendable {
    private struct Queue {
        var jobs: [SQLiteJob] = []
        /// The thread waits on `wakeUp`; the next enqueue signals it (once).
        var sleeping = false
        /// The thread waits on `wakeUp` with a timeout, for more unsynced writes to join the batch; a job of any
        /// other kind signals it.
        var lingering = false
        var closeRequested = false
        var closed = false
        var closers: [CheckedContinuation<Void, Never>] = []
    }

    /// How many jobs one transaction takes at most, so a flood of writes cannot hold every answer back for long.
    static let batchLimit = 1000

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let committed = Atomic<Int>(0)
    private let lingerInterval: DispatchTimeInterval

    /// Transactions committed so far: with group commit, fewer than the writes.
    var transactionsCommitted: Int { committed.load(ordering: .relaxed) }

    /// Jobs waiting for the thread (tests line a batch up with it).
    var queuedJobs: Int { queue.withLock { $0.jobs.count } }

    private init(unsyncedLinger: Duration) {
        let (seconds, attoseconds) = unsyncedLinger.components
        lingerInterval = .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    /// Opens (creating) the file at `path` on a new thread, which then serves the returned database until `close`.
    static func open(
        path: String, threadName: String = "hookcast-sqlite", unsyncedLinger: Duration = .milliseconds(5)
    ) async throws -> SQLiteDatabase {
        let database = SQLiteDatabase(unsyncedLinger: unsyncedLinger)
        try await withCheckedThrowingContinuation { (opened: CheckedContinuation<Void, any Error>) in
            let thread = Thread { database.serve(path: path, opened: opened) }
            thread.name = threadName
            thread.start()
        }
        return database
    }

    /// Runs `body` on the database's thread, outside any transaction unless it shares a batch with writes.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(.answering(continuation, kind: .read, conflictMessage: nil, body))
        }
    }

    /// Runs `body` inside a transaction (shared with the other writes of its batch) and returns once that
    /// transaction committed. A constraint violation becomes `StoreError.conflict(conflictMessage)` when one is
    /// given; when `body` throws, its changes are rolled back and the others' are not.
    func write<T: Sendable>(
        conflictMessage: String? = nil,
        durability: SQLiteDurability = .synced,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(.answering(continuation, kind: .write(durability), conflictMessage: conflictMessage, body))
        }
    }

    /// Finishes the jobs already submitted, then closes the connection; later jobs fail with
    /// `StoreError.unavailable`. Closing twice is harmless.
    func close() async {
        await withCheckedContinuation { (closer: CheckedContinuation<Void, Never>) in
            let (alreadyClosed, wake) = queue.withLock { queue -> (Bool, Bool) in
                if queue.closed { return (true, false) }
                queue.closeRequested = true
                queue.closers.append(closer)
                defer { (queue.sleeping, queue.lingering) = (false, false) }
                return (false, queue.sleeping || queue.lingering)
            }
            if alreadyClosed { closer.resume() }
            if wake { wakeUp.signal() }
        }
    }

    private func submit(_ job: SQLiteJob) {
        let accepted = queue.withLock { queue -> Bool? in
            guard !queue.closeRequested else { return nil }
            queue.jobs.append(job)
            if queue.lingering && (!job.canWait || queue.jobs.count >= Self.batchLimit) {
                queue.lingering = false
                return true
            }
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        switch accepted {
        case nil: job.fail(StoreError.unavailable("The database is closed."))
        case true?: wakeUp.signal()
        case false?: break
        }
    }

    // MARK: The database's thread

    private enum Next {
        case run([SQLiteJob])
        case sleep
        case linger
        case close([CheckedContinuation<Void, Never>])
    }

    private func serve(path: String, opened: CheckedContinuation<Void, any Error>) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch {
            opened.resume(throwing: StoreError.unavailable("The database at \(path) could not be opened: \(error)."))
            return
        }
        opened.resume()
        var lingered = false
        while true {
            let next = queue.withLock { queue -> Next in
                if queue.jobs.isEmpty {
                    guard queue.closeRequested else {
                        queue.sleeping = true
                        return .sleep
                    }
                    queue.closed = true
                    defer { queue.closers = [] }
                    return .close(queue.closers)
                }
                if !lingered, !queue.closeRequested, queue.jobs.count < Self.batchLimit,
                    queue.jobs.allSatisfy(\.canWait)
                {
                    queue.lingering = true
                    return .linger
                }
                guard queue.jobs.count > Self.batchLimit else {
                    defer { queue.jobs.removeAll(keepingCapacity: true) }
                    return .run(queue.jobs)
                }
                defer { queue.jobs.removeFirst(Self.batchLimit) }
                return .run(Array(queue.jobs.prefix(Self.batchLimit)))
            }
            switch next {
            case .run(let batch):
                lingered = false
                if SQLiteBatch(batch, on: connection).run() { committed.add(1, ordering: .relaxed) }
            case .sleep:
                wakeUp.wait()
            case .linger:
                // A signal that arrives after the timeout leaves the semaphore at one: the next wait then returns
                // at once and the loop looks at the queue again, which is harmless.
                _ = wakeUp.wait(timeout: .now() + lingerInterval)
                queue.withLock { $0.lingering = false }
                lingered = true
            case .close(let closers):
                connection.close()
                for closer in closers { closer.resume() }
                return
            }
        }
    }
}
