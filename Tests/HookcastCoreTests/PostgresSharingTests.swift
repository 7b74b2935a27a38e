import Foundation
import HookcastPostgresTestSupport
import HookcastTestSupport
import Synchronization
import Testing

@testable import HookcastCore
@testable import HookcastPostgres
@testable import HookcastProtocol

/// Gateways on one PostgreSQL database: one of them leads and another takes over when it goes; every one hears
/// the writes the others must know of; they agree on shared settings. Each gateway here is a store and its
/// `sharing.run()`, as `hookcast serve` runs them.
@Suite("PostgreSQL store: gateways sharing a database")
struct PostgresSharingTests {
    @Test("One gateway of three leads; when it goes, another takes over, and again")
    func oneLeadsAndAnotherTakesOver() async throws {
        try await SharedPostgres.withDatabase { location in
            var gateways = try await (0..<3).asyncMap { _ in try await SharingGateway.start(location) }
            for _ in 0..<2 {
                try await SharingGateway.waitUntilOneLeads(gateways)
                let leader = try #require(gateways.firstIndex { $0.isLeading })
                await gateways.remove(at: leader).stop()
                try await SharingGateway.waitUntilOneLeads(gateways)
            }
            for gateway in gateways { await gateway.stop() }
        }
    }

    @Test("A leader whose connection is cut steps down, connects again, hears it may have missed notices, leads")
    func connectionCutAndResumed() async throws {
        try await SharedPostgres.withDatabase { location in
            let gateway = try await SharingGateway.start(location)
            try await SharingGateway.waitUntilOneLeads([gateway])
            // What a dead network does to the connection, as far as the server is concerned.
            try await SharedPostgres.administer(
                in: location.database,
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            try await gateway.waitFor("stepped down") { $0.leadership.contains(false) }
            try await gateway.waitFor("listening again") { $0.notices.count(where: { $0 == .resumed }) == 2 }
            try await SharingGateway.waitUntilOneLeads([gateway])
            await gateway.stop()
        }
    }

    @Test("Every gateway hears acknowledgements, new commands and changed records, its own writes included")
    func everyGatewayHearsTheWrites() async throws {
        try await SharedPostgres.withDatabase { location in
            let writer = try await SharingGateway.start(location)
            let other = try await SharingGateway.start(location)
            let store = writer.store
            try await store.actions.insert(try makeAction("door-open"))
            try await store.devices.insert(
                Device(id: try deviceID("screen-1"), name: "Lobby", createdAt: referenceDate))
            try await store.groups.insert(
                DeviceGroup(id: try groupID("lobby"), name: "Lobby", members: [], createdAt: referenceDate))
            // Expecting d1 and d2.
            let commands = try (0..<250).map { _ in try makeCommand() }
            try await store.commands.insert(commands)
            _ = try await store.deliveries.record(
                commands.map {
                    AcknowledgementRecord(
                        commandID: $0.id, deviceID: try! deviceID("d1"), state: .ok, detail: nil,
                        executedAt: referenceDate, receivedAt: referenceDate)
                })
            let ids = Set(commands.map(\.id))
            for gateway in [writer, other] {
                try await gateway.waitFor("the writes") { heard in
                    let acknowledged = heard.notices.reduce(into: Set<UUID>()) {
                        if case .acknowledged(let ids) = $1 { $0.formUnion(ids) }
                    }
                    let made = heard.notices.reduce(into: Set<UUID>()) {
                        if case .commandsChanged(let ids) = $1 { $0.formUnion(ids) }
                    }
                    return acknowledged == ids && made == ids
                        && heard.notices.contains(.recordsChanged(.actions))
                        && heard.notices.contains(.recordsChanged(.fleet))
                }
            }
            // 250 ids do not fit one notice: they came in several.
            #expect(other.heard.notices.filter { if case .acknowledged = $0 { true } else { false } }.count >= 2)
            await writer.stop()
            await other.stop()
        }
    }

    @Test("The first value proposed for a setting is the one every gateway gets")
    func agreeOnASetting() async throws {
        try await SharedPostgres.withDatabase { location in
            let first = try await PostgresStore.open(location, logger: quietLogger)
            let second = try await PostgresStore.open(location, logger: quietLogger)
            #expect(try await first.sharing?.agree(on: "master-key-check", proposing: "aaa") == "aaa")
            #expect(try await second.sharing?.agree(on: "master-key-check", proposing: "bbb") == "aaa")
            #expect(try await second.sharing?.agree(on: "other", proposing: "bbb") == "bbb")
            try await first.close()
            try await second.close()
        }
    }

    @Test("A console session stored by one gateway is read by another; removing it tells every gateway")
    func consoleSessions() async throws {
        try await SharedPostgres.withDatabase { location in
            let first = try await SharingGateway.start(location)
            let second = try await SharingGateway.start(location)
            let one = try #require(first.store.sharing)
            let other = try #require(second.store.sharing)
            let session = SharedConsoleSession(
                digest: "ab12", csrfToken: "csrf", expiresAt: Date().addingTimeInterval(3600).roundedToMilliseconds,
                tokenGeneration: 3)
            let expired = SharedConsoleSession(
                digest: "cd34", csrfToken: "old", expiresAt: Date().addingTimeInterval(-1).roundedToMilliseconds,
                tokenGeneration: 3)
            try await one.saveSession(expired)
            try await one.saveSession(session)
            #expect(try await other.session(digest: "ab12") == session)
            // Saving clears what has ended, and every gateway hears that it did.
            #expect(try await other.session(digest: "cd34") == nil)
            #expect(try await other.storedSessions(among: ["ab12", "cd34", "ef56"]) == ["ab12"])
            try await other.removeSession(digest: "ab12")
            #expect(try await one.session(digest: "ab12") == nil)
            for gateway in [first, second] {
                try await gateway.waitFor("sign-out heard") { $0.notices.contains(.sessionEnded(digest: "ab12")) }
            }
            #expect(first.heard.notices.contains(.sessionEnded(digest: "cd34")))
            await first.stop()
            await second.stop()
        }
    }

    @Test("Notices are read as the triggers write them, and anything else is ignored")
    func noticePayloads() {
        let id = UUID()
        #expect(PostgresSharing.notice("a:\(id.uuidString.lowercased())") == .acknowledged([id]))
        #expect(PostgresSharing.notice("c:\(id.uuidString.lowercased()),junk") == .commandsChanged([id]))
        #expect(PostgresSharing.notice("r:keys") == .recordsChanged(.keys))
        #expect(PostgresSharing.notice("r:passwords") == nil)
        #expect(PostgresSharing.notice("e:ab12") == .sessionEnded(digest: "ab12"))
        #expect(PostgresSharing.notice("e:") == nil)
        #expect(PostgresSharing.notice("x:1") == nil)
        #expect(PostgresSharing.notice("no colon") == nil)
    }
}

/// A store with its `sharing.run()` going, and what it heard.
final class SharingGateway: Sendable {
    struct Heard: Sendable {
        var leadership: [Bool] = []
        var notices: [StoreNotice] = []
    }

    private final class Box: Sendable {
        let heard = Mutex(Heard())
    }

    let store: PostgresStore
    private let box = Box()
    private let tasks: [Task<Void, Never>]

    private init(store: PostgresStore, sharing: any StoreSharing) {
        self.store = store
        let box = box
        let leadership = sharing.leadership()
        let notices = sharing.notices()
        tasks = [
            Task { await sharing.run() },
            Task { for await leading in leadership { box.heard.withLock { $0.leadership.append(leading) } } },
            Task { for await notice in notices { box.heard.withLock { $0.notices.append(notice) } } },
        ]
    }

    static func start(_ location: PostgresLocation) async throws -> SharingGateway {
        let store = try await PostgresStore.open(location, logger: quietLogger)
        let gateway = SharingGateway(store: store, sharing: try #require(store.sharing))
        try await gateway.waitFor("listening") { $0.notices.contains(.resumed) }
        return gateway
    }

    var heard: Heard { box.heard.withLock { $0 } }
    var isLeading: Bool { heard.leadership.last == true }

    func waitFor(_ what: String, _ condition: @escaping @Sendable (Heard) -> Bool) async throws {
        try await withTimeout(.seconds(30), what) {
            while !condition(self.heard) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Until exactly one of `gateways` leads (within seconds of the last leader going).
    static func waitUntilOneLeads(_ gateways: [SharingGateway]) async throws {
        try await withTimeout(.seconds(30), "one gateway leading") {
            while gateways.count(where: \.isLeading) != 1 { try await Task.sleep(for: .milliseconds(20)) }
        }
        // Still one a moment later: nobody else was about to take the lead as well.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(gateways.count(where: \.isLeading) == 1)
    }

    /// As the gateway's process ending does: its connections close.
    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        try? await store.close()
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
