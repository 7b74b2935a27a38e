import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite struct SQLiteStoreTests {
    @Test func reopeningKeepsEverythingAndSkipsAppliedMigrations() async throws {
        try await withTemporaryDirectory { directory in
            let first = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            #expect(first.appliedMigrations == SQLiteMigration.all.map(\.version))
            let device = Device(id: try deviceID("d1"), name: "One", tags: ["t"], createdAt: referenceDate)
            let group = DeviceGroup(id: try groupID("g1"), name: "G", members: [device.id], createdAt: referenceDate)
            let action = try makeAction("e1", target: .group(group.id))
            let command = try makeCommand(sensorData: SensorData(id: "1", event: "e", value: .string("v")))
            try await first.devices.insert(device)
            try await first.groups.insert(group)
            try await first.actions.insert(action)
            try await first.commands.insert(command)
            let migrationsBefore = try await Self.migrationRows(first)
            try await first.close()

            let second = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            #expect(second.appliedMigrations == [])
            #expect(try await Self.migrationRows(second) == migrationsBefore)
            #expect(migrationsBefore.map(\.version) == SQLiteMigration.all.map(\.version))
            #expect(try await second.devices.all() == [device])
            #expect(try await second.groups.all() == [group])
            #expect(try await second.actions.all() == [action])
            #expect(try await second.commands.find(id: command.id) == command)
            try await second.close()
        }
    }

    @Test func opensWithDurableSettings() async throws {
        try await withSQLiteStore { store, directory in
            let settings = try await store.database.read { connection in
                (
                    try connection.query("PRAGMA journal_mode").first?.column("journal_mode")?.string,
                    try connection.query("PRAGMA synchronous").first?.column("synchronous")?.integer,
                    try connection.query("PRAGMA foreign_keys").first?.column("foreign_keys")?.integer
                )
            }
            #expect(settings.0 == "wal")
            #expect(settings.1 == 2)  // FULL
            #expect(settings.2 == 1)
            let attributes = try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(SQLiteStore.fileName).path
            )
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test func everyMigrationIsListedOnceInOrder() async throws {
        #expect(SQLiteMigration.all.map(\.version) == Array(1...SQLiteMigration.all.count))
        // Migration 6 once existed without being listed. Migration 9 drops its index without `IF EXISTS`, so the
        // store opening at all proves 6 ran first; the index being gone proves 9 ran.
        try await withSQLiteStore { store, _ in
            let indexes = try await store.database.read { connection in
                try connection.query("SELECT name FROM sqlite_master WHERE type = 'index'").compactMap {
                    $0.column("name")?.string
                }
            }
            #expect(!indexes.contains("commands_active"))
            #expect(indexes.contains("commands_unpublished"))
        }
    }

    @Test func createsAMissingDataDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory.appendingPathComponent("x/y")
            let store = try await SQLiteStore.open(dataDirectory: nested, logger: quietLogger)
            try await store.close()
            #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(SQLiteStore.fileName).path))
        }
    }

    @Test func refusesADatabaseFromANewerVersion() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            try await store.database.write { connection in
                try connection.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(999), .text("2030-01-01T00:00:00.000Z")]
                )
            }
            try await store.close()
            await #expect(throws: StoreError.self) {
                try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            }
        }
    }

    @Test func concurrentWritersAreSerialised() async throws {
        try await withSQLiteStore { store, _ in
            for raw in ["d1", "d2"] {
                try await store.devices.insert(Device(id: try deviceID(raw), name: raw, createdAt: referenceDate))
            }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        if index.isMultiple(of: 2) {
                            try await store.commands.insert(try makeCommand(issuedAt: referenceDate))
                        } else {
                            let group = DeviceGroup(
                                id: try groupID("g\(index)"),
                                name: "G",
                                members: [try deviceID("d1"), try deviceID("d2")],
                                createdAt: referenceDate
                            )
                            try await store.groups.insert(group)
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(try await store.commands.count() == 20)
            #expect(try await store.groups.all().count == 20)
            #expect(try await store.groups.all().allSatisfy { $0.members.count == 2 })
        }
    }

    private struct MigrationRow: Equatable {
        var version: Int
        var appliedAt: String
    }

    private static func migrationRows(_ store: SQLiteStore) async throws -> [MigrationRow] {
        try await store.database.read { connection in
            try connection.query("SELECT version, applied_at FROM schema_migrations ORDER BY version").map {
                MigrationRow(version: try $0.int("version"), appliedAt: try $0.string("applied_at"))
            }
        }
    }
}

@Suite("Idempotent command inserts")
struct IdempotentInsertTests {
    @Test("A key is remembered within the retention and forgotten after it, in both stores")
    func retention() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-idem-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        for store in [sqlite, InMemoryStore()] as [any HookcastStore] {
            let apiKeyID = UUID()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func command() throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: [], issuedAt: start,
                    expiresAt: start.addingTimeInterval(60), apiKeyID: apiKeyID, source: .webhook)
            }
            let first = try command()
            let record = IdempotencyRecord(
                apiKeyID: apiKeyID, key: "k", fingerprint: "f", commandID: first.id, createdAt: start)
            #expect(try await store.commands.insert(first, idempotency: record) == .inserted)
            let retry = try command()
            var later = record
            later.commandID = retry.id
            later.createdAt = start.addingTimeInterval(3600)
            #expect(try await store.commands.insert(retry, idempotency: later) == .existing(record))
            #expect(try await store.commands.count() == 1)
            later.createdAt = start.addingTimeInterval(IdempotencyRecord.retention + 1)
            #expect(try await store.commands.insert(retry, idempotency: later) == .inserted)
            #expect(try await store.commands.count() == 2)
            try await store.close()
        }
    }
}

@Suite("Unsettled commands")
struct ActiveCommandTests {
    @Test("Only published, unexpired, unsettled commands are returned, oldest first, in both stores")
    func active() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-active-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        for store in [sqlite, InMemoryStore()] as [any HookcastStore] {
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func command(issued: TimeInterval, ttl: TimeInterval) throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: [], issuedAt: now.addingTimeInterval(issued),
                    expiresAt: now.addingTimeInterval(issued + ttl), apiKeyID: nil, source: .webhook)
            }
            let older = try command(issued: -20, ttl: 60)
            let newer = try command(issued: -10, ttl: 60)
            let expired = try command(issued: -30, ttl: 10)
            let unpublished = try command(issued: -5, ttl: 60)
            for item in [older, newer, expired, unpublished] { try await store.commands.insert(item) }
            for item in [older, newer, expired] { try await store.commands.markPublished(id: item.id, at: now) }
            #expect(
                try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id) == [
                    older.id, newer.id,
                ])
            #expect(try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 1).map(\.id) == [older.id])
            #expect(
                try await store.commands.unsettled(at: now, issuedBefore: now.addingTimeInterval(-15), limit: 10)
                    .map(\.id) == [older.id])
            try await store.commands.markSettled([older.id])
            #expect(try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id) == [newer.id])
            try await store.close()
        }
    }

    @Test("A device command is settled by its device's answer; a broadcast is not settled by one answer")
    func settledByAnswer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-settle-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        for store in [sqlite, InMemoryStore()] as [any HookcastStore] {
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let one = try DeviceID("one")
            let two = try DeviceID("two")
            func command(_ target: ActionTarget, _ devices: [DeviceID]) throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: target, expectedDevices: devices, issuedAt: now.addingTimeInterval(-5),
                    expiresAt: now.addingTimeInterval(60), apiKeyID: nil, source: .webhook, publishedAt: now)
            }
            let single = try command(.device(one), [one])
            let broadcast = try command(.all, [one, two])
            let stranger = try command(.device(two), [two])
            try await store.commands.insert([single, broadcast, stranger])
            func answer(_ command: Command, from device: DeviceID) -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command.id, deviceID: device, state: .ok, detail: nil, executedAt: now, receivedAt: now)
            }
            // `one` answering `stranger` is an extra answer, not the one it waits for.
            _ = try await store.deliveries.record([
                answer(single, from: one), answer(broadcast, from: one), answer(stranger, from: one),
            ])
            let left = try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id)
            #expect(Set(left) == [broadcast.id, stranger.id])
            try await store.close()
        }
    }
}

@Suite("Group commit of commands")
struct BatchInsertTests {
    @Test("A batch is stored whole, or not at all when one of its commands conflicts, in both stores")
    func allOrNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-batch-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        for store in [sqlite, InMemoryStore()] as [any HookcastStore] {
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func command() throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: [], issuedAt: now,
                    expiresAt: now.addingTimeInterval(60), apiKeyID: nil, source: .webhook)
            }
            let batch = try (0..<3).map { _ in try command() }
            try await store.commands.insert(batch)
            #expect(try await store.commands.count() == 3)
            let fresh = try command()
            await #expect(throws: StoreError.self) { try await store.commands.insert([fresh, batch[0]]) }
            #expect(try await store.commands.count() == 3)
            #expect(try await store.commands.find(id: fresh.id) == nil)
            try await store.close()
        }
    }
}
