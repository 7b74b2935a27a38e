import Foundation
import Synchronization
import Testing

@testable import HookcastCore

/// `SQLiteDatabase`, the store's connection thread: values in and out, group commit with savepoints, and close.
@Suite struct SQLiteDatabaseTests {
    @Test func valuesComeBackAsTheyWentIn() async throws {
        try await withDatabase { database in
            let values: [SQLiteValue] = [
                .integer(Int64.min), .real(-1.5), .text(""), .text("zoë ✓ \u{0}after nul"), .blob([]),
                .blob([0, 255, 7]),
                .null,
            ]
            let rows = try await database.write { connection in
                try connection.execute("CREATE TABLE t (v ANY) STRICT")
                for value in values { try connection.execute("INSERT INTO t (v) VALUES (?)", [value]) }
                return try connection.query("SELECT v FROM t ORDER BY rowid")
            }
            #expect(rows.map { $0.column("v") } == values)
            #expect(rows.first?.column("missing") == nil)
        }
    }

    @Test func aWrongNumberOfValuesIsRefusedWithoutRunning() async throws {
        try await withDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
            await #expect(throws: StoreError.self) {
                try await database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.integer(1), .integer(2)]) }
            }
            #expect(
                try await database.read { try $0.query("SELECT COUNT(*) AS n FROM t").first?.column("n") }
                    == .integer(0))
        }
    }

    /// Writes that arrive while the thread is busy share one transaction; the one that fails rolls back only its
    /// own changes and gets its own error, the others commit.
    @Test func writesWaitingTogetherCommitTogetherAndAFailureStaysItsOwn() async throws {
        try await withDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)") }
            try await database.write { try $0.execute("INSERT INTO t (id, note) VALUES (1, 'first')") }
            let before = database.transactionsCommitted
            // Holds the thread so that every write below queues up behind it and they form one batch.
            let (holding, gate) = try await hold(database)
            let writes = 20
            let outcomes = Task {
                await withTaskGroup(of: (Int, StoreError?).self) { tasks in
                    for index in 2..<(writes + 2) {
                        tasks.addTask {
                            do {
                                try await database.write(conflictMessage: "row \(index) conflicts") { connection in
                                    try connection.execute(
                                        "INSERT INTO t (id, note) VALUES (?, 'ok')", [.integer(index)])
                                    // The tenth also inserts a duplicate of row 1: its own first insert goes too.
                                    if index == 10 { try connection.execute("INSERT INTO t (id) VALUES (1)") }
                                }
                                return (index, nil)
                            } catch let error as StoreError {
                                return (index, error)
                            } catch {
                                return (index, .unavailable("\(error)"))
                            }
                        }
                    }
                    var outcomes: [Int: StoreError?] = [:]
                    for await (index, outcome) in tasks { outcomes[index] = outcome }
                    return outcomes
                }
            }
            while database.queuedJobs < writes { try await Task.sleep(for: .milliseconds(1)) }
            gate.signal()
            try await holding.value
            let results = await outcomes.value
            #expect(results.count == writes)
            #expect(results[10] == .some(.conflict("row 10 conflicts")))
            #expect(results.filter { $0.key != 10 }.allSatisfy { $0.value == nil })
            let ids = try await database.read { connection in
                try connection.query("SELECT id FROM t ORDER BY id").compactMap { $0.column("id")?.integer }
            }
            #expect(ids == [1] + (2..<(writes + 2)).filter { $0 != 10 })
            #expect(database.transactionsCommitted == before + 1)
        }
    }

    /// A batch of unsynced writes only commits without fsync (NORMAL); one synced write makes the whole batch FULL.
    @Test func aBatchIsSyncedWhenAnyOfItsWritesMustBe() async throws {
        try await withDatabase { database in
            let setting: @Sendable (SQLiteConnection) throws -> Int? = {
                try $0.query("PRAGMA synchronous").first?.column("synchronous")?.integer
            }
            #expect(try await database.write(durability: .unsynced, setting) == 1)
            #expect(try await database.write(setting) == 2)
            let (holding, gate) = try await hold(database)
            let unsynced = Task { try await database.write(durability: .unsynced, setting) }
            while database.queuedJobs < 1 { try await Task.sleep(for: .milliseconds(1)) }
            let synced = Task { try await database.write(setting) }
            while database.queuedJobs < 2 { try await Task.sleep(for: .milliseconds(1)) }
            gate.signal()
            try await holding.value
            #expect(try await unsynced.value == 2)
            #expect(try await synced.value == 2)
        }
    }

    /// An unsynced write waits for company, but never for a synced write or a read, and never past close: with a
    /// linger of an hour, each of these would hang the test if it did.
    @Test func anUnsyncedWriteWaitsOnlyUntilOtherWorkArrives() async throws {
        try await withTemporaryDirectory { directory in
            let database = try await SQLiteDatabase.open(
                path: directory.appendingPathComponent("t.sqlite").path, unsyncedLinger: .seconds(3600))
            try await database.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
            let before = database.transactionsCommitted
            let insert: @Sendable (Int) -> @Sendable (SQLiteConnection) throws -> Void = { value in
                { try $0.execute("INSERT INTO t (v) VALUES (?)", [.integer(value)]) }
            }
            let lingering = Task { try await database.write(durability: .unsynced, insert(1)) }
            while database.queuedJobs < 1 { try await Task.sleep(for: .milliseconds(1)) }
            try await database.write(insert(2))
            try await lingering.value
            #expect(database.transactionsCommitted == before + 1)

            let beforeRead = Task { try await database.write(durability: .unsynced, insert(3)) }
            while database.queuedJobs < 1 { try await Task.sleep(for: .milliseconds(1)) }
            let count = try await database.read { try $0.query("SELECT COUNT(*) AS n FROM t").first?.column("n") }
            try await beforeRead.value
            #expect(count == .integer(3))

            let beforeClose = Task { try await database.write(durability: .unsynced, insert(4)) }
            while database.queuedJobs < 1 { try await Task.sleep(for: .milliseconds(1)) }
            await database.close()
            try await beforeClose.value
        }
    }

    /// A caller is answered only once its transaction committed: another connection already sees the row.
    @Test func aWriteIsVisibleToAnotherConnectionWhenItReturns() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            let writer = try await SQLiteDatabase.open(path: path)
            let reader = try await SQLiteDatabase.open(path: path)
            try await writer.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
            for value in 1...5 {
                try await writer.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.integer(value)]) }
                let seen = try await reader.read { try $0.query("SELECT MAX(v) AS v FROM t").first?.column("v") }
                #expect(seen == .integer(Int64(value)))
            }
            await writer.close()
            await reader.close()
        }
    }

    @Test func closeFinishesWhatWasSubmittedAndRefusesTheRest() async throws {
        try await withTemporaryDirectory { directory in
            let database = try await SQLiteDatabase.open(path: directory.appendingPathComponent("t.sqlite").path)
            try await database.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
            let (holding, gate) = try await hold(database)
            let queued = Task { try await database.write { try $0.execute("INSERT INTO t (v) VALUES (1)") } }
            while database.queuedJobs < 1 { try await Task.sleep(for: .milliseconds(1)) }
            let closing = Task { await database.close() }
            gate.signal()
            try await holding.value
            try await queued.value
            await closing.value
            await #expect(throws: StoreError.unavailable("The database is closed.")) {
                try await database.read { try $0.query("SELECT 1") }
            }
            await database.close()
        }
    }

    /// Occupies the database's thread until the returned semaphore is signalled; returns once it is occupied, so
    /// that every job submitted afterwards waits in the queue.
    private func hold(_ database: SQLiteDatabase) async throws -> (Task<Void, any Error>, DispatchSemaphore) {
        let gate = DispatchSemaphore(value: 0)
        let started = Started()
        let holding = Task {
            try await database.read { _ in
                started.flag.store(true, ordering: .releasing)
                gate.wait()
            }
        }
        while !started.flag.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
        return (holding, gate)
    }

    private final class Started: Sendable {
        let flag = Atomic<Bool>(false)
    }

    private func withDatabase(_ body: (SQLiteDatabase) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let database = try await SQLiteDatabase.open(path: directory.appendingPathComponent("t.sqlite").path)
            do {
                try await body(database)
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}
