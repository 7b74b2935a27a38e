import Foundation
import HookcastPostgresTestSupport
import HookcastTestSupport
import Testing

@testable import HookcastCore
@testable import HookcastPostgres
@testable import HookcastProtocol

/// What only the PostgreSQL store has: schema migration shared by several gateways, and same-key requests
/// arriving on two connections at once (PostgresSharingTests: how the gateways coordinate). Its repositories run the shared suite with the others.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("Gateways starting together migrate once; reopening applies nothing and keeps every row")
    func migratesOnceUnderTheLock() async throws {
        try await SharedPostgres.withDatabase { location in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await PostgresStore.open(location, logger: quietLogger) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stores.map(\.appliedMigrations).filter { !$0.isEmpty } == [PostgresMigration.all.map(\.version)])
            try await stores[0].devices.insert(Device(id: try deviceID("d1"), name: "One", createdAt: referenceDate))
            for store in stores { try await store.close() }

            let reopened = try await PostgresStore.open(location, logger: quietLogger)
            #expect(reopened.appliedMigrations.isEmpty)
            #expect(try await reopened.devices.all().map(\.id) == [try deviceID("d1")])
            try await reopened.close()
        }
    }

    @Test("A database migrated by a newer hookcast is refused, saying so, and left as it is")
    func refusesANewerSchema() async throws {
        try await SharedPostgres.withDatabase { location in
            try await PostgresStore.open(location, logger: quietLogger).close()
            let newer = (PostgresMigration.all.map(\.version).max() ?? 0) + 1
            try await SharedPostgres.administer(
                in: location.database, "INSERT INTO schema_migrations (version, applied_at) VALUES (\(newer), 0)")
            let error = await #expect(throws: StoreError.self) {
                try await PostgresStore.open(location, logger: quietLogger)
            }
            #expect(error?.description.contains("schema version \(newer), newer than this hookcast knows") == true)
        }
    }

    @Test("Requests with one Idempotency-Key on many connections at once store one command")
    func sameKeyAtOnceStoresOneCommand() async throws {
        try await withPostgresStore { store, _ in
            let apiKeyID = UUID()
            let outcomes = try await withThrowingTaskGroup(of: IdempotentInsert.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let command = try makeCommand()
                        return try await store.commands.insert(
                            command,
                            idempotency: IdempotencyRecord(
                                apiKeyID: apiKeyID, key: "retry-1", fingerprint: "f", commandID: command.id,
                                createdAt: referenceDate))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .inserted }.count == 1)
            #expect(try await store.commands.count() == 1)
        }
    }

    @Test("An unreachable server is reported with its address, never with the password")
    func unreachableServerKeepsThePasswordOut() async throws {
        let port = try FreePort.find()
        let location = try PostgresLocation(url: "postgres://gw:s3cret-pass@127.0.0.1:\(port)/hookcast?sslmode=disable")
        let error = await #expect(throws: StoreError.self) {
            try await PostgresStore.open(location, logger: quietLogger)
        }
        #expect(error?.description.contains("postgres://gw@127.0.0.1:\(port)/hookcast") == true)
        #expect(error?.description.contains("s3cret") == false)
    }
}

@Suite("PostgreSQL store URL")
struct PostgresLocationTests {
    @Test func readsEveryPartAndDecodesThem() throws {
        let location = try PostgresLocation(
            url: "postgresql://hook%40cast:p%3Ass@db.example.net:6543/hook%20cast?sslmode=require&pool_size=8")
        #expect(location.user == "hook@cast")
        #expect(location.password == "p:ss")
        #expect(location.host == "db.example.net")
        #expect(location.port == 6543)
        #expect(location.database == "hook cast")
        #expect(location.sslMode == .require)
        #expect(location.maximumConnections == 8)
        #expect(location.description == "postgres://hook@cast@db.example.net:6543/hook cast")
    }

    @Test func defaultsToPort5432PreferredTLSAndTwentyConnections() throws {
        let location = try PostgresLocation(url: "postgres://hookcast@localhost/hookcast")
        #expect(location.port == 5432)
        #expect(location.password == nil)
        #expect(location.sslMode == .prefer)
        #expect(location.maximumConnections == 20)
    }

    @Test(
        arguments: [
            ("mysql://u:secret@h/db", "is not a postgres://"),
            ("postgres://u:secret@/db", "names no host"),
            ("postgres://h/db", "names no user"),
            ("postgres://u:secret@h", "names no database"),
            ("postgres://u:secret@h/db?sslmode=maybe", "sslmode"),
            ("postgres://u:secret@h/db?pool_size=0", "pool_size"),
            ("postgres://u:secret@h/db?application_name=x", "unknown parameter 'application_name'"),
        ])
    func refusesWhatItCannotUseWithoutEchoingThePassword(url: String, problem: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { error in
            let text = "\(error)"
            return text.contains(problem) && !text.contains("secret")
        }
    }

    @Test func tellsPostgresURLsFromPaths() {
        #expect(PostgresLocation.isPostgresURL("postgres://u@h/db"))
        #expect(PostgresLocation.isPostgresURL("POSTGRESQL://u@h/db"))
        #expect(!PostgresLocation.isPostgresURL("/var/lib/hookcast"))
        #expect(!PostgresLocation.isPostgresURL("sqlite"))
    }
}
