import Foundation
import Testing

@testable import HookcastCore

/// `SQLiteCheckpointer`: the log copied back into the database file on a thread of its own, the writer taking over
/// only past its limit, and nothing lost either way.
@Suite struct SQLiteCheckpointerTests {
    private static let rows = 400
    private static let filler = SQLiteValue.blob(Array(repeating: 7, count: 2000))

    @Test func theCheckpointingThreadCopiesTheLogWhileTheWriterOnlyCommits() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            let database = try await Self.openInWALMode(path)
            let checkpointer = try await database.read { connection in
                try connection.checkpointInBackground(threshold: 20, writerLimit: 1_000_000)
                return connection.checkpointer
            }
            let background = try #require(checkpointer)
            try await Self.writeRows(database)
            // Waits for the outcome, not for a time: the thread was asked after the 20th frame.
            let deadline = ContinuousClock.now + .seconds(60)
            while background.checkpointsCompleted == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(background.checkpointsCompleted > 0)
            #expect(background.checkpointsByWriter == 0)
            // The pages reached the database file itself, not only the log.
            #expect(Self.size(of: path) >= 20 * 4096)
            await database.close()
            #expect(try await Self.countRows(path) == Int64(Self.rows))
        }
    }

    /// With the thread gone (stopped here; in production: behind, or failing) the writer checkpoints past
    /// `writerLimit` itself, and the log starts again instead of growing.
    @Test func pastItsLimitTheWriterCheckpointsItselfAndTheLogStaysBounded() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            let database = try await Self.openInWALMode(path)
            let limit = 50
            let checkpointer = try await database.read { connection in
                try connection.checkpointInBackground(threshold: 10, writerLimit: limit)
                connection.checkpointer?.stop()
                return connection.checkpointer
            }
            let stopped = try #require(checkpointer)
            try await Self.writeRows(database)
            #expect(stopped.checkpointsCompleted == 0)
            #expect(stopped.checkpointsByWriter > 0)
            // Each row is one commit of a few frames; without checkpoints the log would hold them all.
            let frameSize = 4096 + 24
            let frames = (Self.size(of: path + "-wal") - 32) / frameSize
            #expect(frames < limit + 10)
            await database.close()
            #expect(try await Self.countRows(path) == Int64(Self.rows))
        }
    }

    @Test func anInMemoryDatabaseHasNothingToCheckpoint() async throws {
        let database = try await SQLiteDatabase.open(path: ":memory:")
        let started = try await database.read { connection in
            try connection.checkpointInBackground()
            return connection.checkpointer != nil
        }
        #expect(!started)
        await database.close()
    }

    private static func openInWALMode(_ path: String) async throws -> SQLiteDatabase {
        let database = try await SQLiteDatabase.open(path: path)
        let mode = try await database.read { try $0.query("PRAGMA journal_mode = WAL").first?.column("journal_mode") }
        #expect(mode == .text("wal"))
        try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, filler BLOB)") }
        return database
    }

    /// One commit per row, as webhooks arrive one at a time.
    private static func writeRows(_ database: SQLiteDatabase) async throws {
        for id in 1...rows {
            try await database.write {
                try $0.execute("INSERT INTO t (id, filler) VALUES (?, ?)", [.integer(Int64(id)), filler])
            }
        }
    }

    /// Opens the file again after its database was closed: every row is there and the file is sound.
    private static func countRows(_ path: String) async throws -> Int64? {
        let database = try await SQLiteDatabase.open(path: path)
        let check = try await database.read { try $0.query("PRAGMA integrity_check").first?.column("integrity_check") }
        let count = try await database.read { try $0.query("SELECT COUNT(*) AS n FROM t").first?.column("n") }
        await database.close()
        #expect(check == .text("ok"))
        guard case .integer(let rows)? = count else { return nil }
        return rows
    }

    private static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
