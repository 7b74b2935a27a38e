import Foundation
import HookcastCore
import HookcastDevice
import HookcastPostgresTestSupport
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Several gateways on one PostgreSQL database and one broker, as behind a load balancer: any of them answers any
/// call, whichever one collected the acknowledgements.
@Suite("Gateways sharing one database")
struct SharedDatabaseTests {
    @Test(
        "What is made on one gateway works on the other, a revoked key stops on both, and ?wait hears the other's acks")
    func twoGatewaysAnswerAlike() async throws {
        try await SharedPostgres.withDatabase { database in
            let broker = try await TestBroker()
            let shareGroup = "shared-\(UUID().uuidString.prefix(8))"
            let first = GatewayHarness.temporaryDirectory()
            let second = GatewayHarness.temporaryDirectory()
            defer {
                try? FileManager.default.removeItem(at: first)
                try? FileManager.default.removeItem(at: second)
            }
            // The first collects no acknowledgements: every one lands on the second.
            try await GatewayHarness.run(
                dataDirectory: first, mqttPort: broker.port,
                configure: {
                    $0.store = .postgres(database)
                    $0.acknowledgementShareGroup = shareGroup
                    $0.collectsDeviceMessages = false
                }
            ) { a in
                try Self.copyMasterKey(from: first, to: second)
                try await GatewayHarness.run(
                    dataDirectory: second, mqttPort: broker.port,
                    configure: {
                        $0.store = .postgres(database)
                        $0.acknowledgementShareGroup = shareGroup
                    }
                ) { b in
                    try await Self.answerAlike(a, b, broker: broker)
                }
            }
        }
    }

    private static func answerAlike(_ a: GatewayClient, _ b: GatewayClient, broker: TestBroker) async throws {
        let device = "shared-\(UUID().uuidString.prefix(6).lowercased())"
        #expect(try await a.admin(.post, "devices", #"{"id":"\#(device)"}"#).status == .created)
        let action = try await a.admin(
            .post, "actions",
            #"{"event_id":"shared","function":"refresh_content","target":{"kind":"device","id":"\#(device)"}}"#)
        #expect(action.status == .created, "\(action.text)")
        let key = try await a.createKey()
        let (agent, task) = try await EndToEndTests.startAgent(device, broker: broker, gateway: b)
        defer { task.cancel() }

        // Made on the first, used on the second.
        let onB = try await b.postWebhook(key: key.secret, body: #"{"event_id":"shared"}"#, query: "wait=30")
        #expect(onB["complete"] == .bool(true), "\(onB.text)")
        // Waiting on the first, which collects nothing: the second's stored acknowledgement wakes it.
        let onA = try await a.postWebhook(key: key.secret, body: #"{"event_id":"shared"}"#, query: "wait=30")
        #expect(onA["complete"] == .bool(true), "\(onA.text)")
        #expect(onA["totals"]?.field("ok") == .number(1), "\(onA.text)")
        #expect(agent.state.commandsExecuted == 2)

        // The second has the key cached; revoked on the first, it is refused there as soon as the news arrives.
        #expect(try await a.admin(.delete, "keys/\(key.id)").status == .noContent)
        try await withTimeout(.seconds(10), "the revoked key refused by the other gateway") {
            while try await b.postWebhook(key: key.secret, body: #"{"event_id":"shared"}"#).status != .unauthorized {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test("A console signed in on one gateway is signed in on the other; signing out on either ends it on both")
    func consoleSessionsAreShared() async throws {
        try await SharedPostgres.withDatabase { database in
            let first = GatewayHarness.temporaryDirectory()
            let second = GatewayHarness.temporaryDirectory()
            defer {
                try? FileManager.default.removeItem(at: first)
                try? FileManager.default.removeItem(at: second)
            }
            try await GatewayHarness.run(dataDirectory: first, configure: { $0.store = .postgres(database) }) { a in
                try Self.copyMasterKey(from: first, to: second)
                try await GatewayHarness.run(dataDirectory: second, configure: { $0.store = .postgres(database) }) {
                    b in
                    let (cookie, csrf) = try await ConsoleSessionTests.signIn(a)
                    let onB = try await b.request(.get, "/api/v1/session", headers: [.cookie: cookie])
                    #expect(onB.status == .ok, "\(onB.text)")
                    #expect(onB.string("csrf_token") == csrf)
                    #expect(try await b.request(.get, "/api/v1/keys", headers: [.cookie: cookie]).status == .ok)
                    // Signed out on the second; the first, which made the session, hears of it.
                    let out = try await b.request(
                        .delete, "/api/v1/session", headers: [.cookie: cookie, ConsoleSessionTests.csrf: csrf])
                    #expect(out.status == .noContent, "\(out.text)")
                    try await withTimeout(.seconds(10), "the sign-out heard by the first gateway") {
                        while try await a.request(.get, "/api/v1/keys", headers: [.cookie: cookie]).status == .ok {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    #expect(
                        try await a.request(.get, "/api/v1/keys", headers: [.cookie: cookie]).errorCode
                            == "session_expired")
                    #expect(
                        try await b.request(.get, "/api/v1/session", headers: [.cookie: cookie]).errorCode
                            == "no_session")
                }
            }
        }
    }

    @Test("A gateway whose master key differs from the others' on the database refuses to start, saying what to do")
    func masterKeyMustBeShared() async throws {
        try await SharedPostgres.withDatabase { database in
            try await GatewayHarness.run(configure: { $0.store = .postgres(database) }) { _ in
                let other = GatewayHarness.temporaryDirectory()
                defer { try? FileManager.default.removeItem(at: other) }
                var settings = GatewayHarness.configuration(dataDirectory: other, mqttPort: try SharedBroker.port)
                settings.store = .postgres(database)
                let error = await #expect(throws: KeyVaultError.self) {
                    _ = try await buildApplication(configuration: settings)
                }
                #expect(error == .masterKeyNotShared(path: other.appendingPathComponent("master.key").path))
                #expect(error?.description.contains("Copy master.key") == true)
            }
        }
    }

    /// What an operator does before starting a second gateway: its data directory gets the first one's key.
    static func copyMasterKey(from source: URL, to destination: URL) throws {
        try FileManager.default.createDirectory(
            at: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("master.key"), to: destination.appendingPathComponent("master.key"))
    }
}
