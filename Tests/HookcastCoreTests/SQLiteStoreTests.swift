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

extension SQLiteStoreTests {
    /// Migration 22 turns each scope that is on into a hold of its command, so an upgrade keeps every screen as it was.
    @Test func anEmergencyOnBeforeTheUpgradeBecomesAHold() async throws {
        try await withTemporaryDirectory { directory in
            let on = EmergencyStateMessage(
                scope: .group(try groupID("floor")), state: .on, message: "Leave", commandID: UUID(),
                since: referenceDate)
            let off = EmergencyStateMessage(
                scope: .all, state: .off, message: nil, commandID: UUID(), since: referenceDate)
            let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            try await store.emergencies.save([on, off])
            // Back to the schema before migration 22, with the two states stored.
            try await store.database.write { connection in
                try connection.execute("DROP TABLE emergency_holds")
                try connection.execute("DELETE FROM schema_migrations WHERE version = 22")
            }
            try await store.close()
            let upgraded = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            #expect(try await upgraded.emergencies.holds() == [EmergencyHold(state: on, endsAt: nil)])
            try await upgraded.close()
        }
    }
}
