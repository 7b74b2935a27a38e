import Foundation
import HookcastTestSupport
import Testing

@testable import Mosquitto

@Suite("Connecting, losing the connection and coming back")
struct ConnectionTests {
    @Test("The Last Will is published when the connection drops without DISCONNECT, not after a clean disconnect")
    func lastWill() async throws {
        let topic = ClientFactory.uniqueTopic()
        let watcher = try await ClientFactory.connected()
        let wills = try await watcher.subscribe(to: topic)
        let will = MQTTWill(
            topic: topic, payload: Array("offline".utf8), retain: false,
            properties: MQTTPublishProperties(contentType: "text/plain"))

        let dying = try await ClientFactory.connected(will: will)
        dying.dropConnection()
        let message = try #require(try await wills.collect(1).first)
        #expect(message.payloadString == "offline")
        #expect(message.properties.contentType == "text/plain")
        await dying.disconnect()

        let polite = try await ClientFactory.connected(will: will)
        await polite.disconnect()
        #expect(await wills.messages(arrivingWithin: .seconds(1)).isEmpty)
        await watcher.disconnect()
    }

    @Test("After the broker restarts the client reconnects by itself and its subscriptions work again")
    func reconnectRestoresSubscriptions() async throws {
        let broker = try await TestBroker()
        let client = try await ClientFactory.connected(port: broker.port)
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await client.subscribe(to: topic)
        let states = client.stateChanges()

        await broker.stop()
        try await broker.start()
        let seen = try await states.untilReconnected(within: .seconds(15), "reconnect")
        #expect(seen.contains { if case .disconnected = $0 { true } else { false } })
        #expect(seen.last?.isConnected == true)

        let publisher = try await ClientFactory.connected(port: broker.port)
        // The restore's SUBACK may still be on its way; retry until the subscription is back.
        try await withTimeout(.seconds(10), "restored subscription") {
            while try await publisher.publish(to: topic, payload: Array("again".utf8)).hadNoMatchingSubscribers {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(try await subscription.collect(1).first?.payloadString == "again")
        await publisher.disconnect()
        await client.disconnect()
    }

    @Test("Disconnected by the broker (an account change), the client connects again by itself")
    func reconnectsAfterServerDisconnect() async throws {
        // The shipped configuration: Hookcast's broker plugin disconnects a client whose password changes, with
        // DISCONNECT reason 152, after which the network loop ends for good, as libmosquitto's own does.
        let broker = try await TestBroker(access: .secure)
        let gateway = try broker.gatewayCredentials
        let adminID = "admin-\(UUID().uuidString.prefix(8))"
        let admin = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: broker.port, clientID: adminID, username: gateway.username,
                password: gateway.password, connectTimeout: .seconds(5)))
        try await admin.connect()
        // SHA-256 of "pw" and of "pw-changed": the credentials the plugin keeps.
        let pw = "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4"
        let changed = "edad4952829b9c5b455bee5eb5de95927482129804572eb7e762bc9277c48e4d"
        func put(_ credential: String) -> String {
            #"{"command":"putDevices","devices":[{"id":"kick-me","credential":"\#(credential)","groups":[]}]}"#
        }
        let control = MQTTPublishProperties(
            correlationData: [1], responseTopic: "$CONTROL/hookcast/v1/response/\(adminID)")
        try await admin.publish(
            to: "$CONTROL/hookcast/v1", payload: Array(#"{"commands":[\#(put(pw))]}"#.utf8), properties: control)
        let client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: broker.port, clientID: "kick-me", username: "kick-me", password: "pw",
                connectTimeout: .seconds(5), reconnectDelay: 1...2))
        try await withTimeout(.seconds(10), "the account exists") {
            while (try? await client.connect()) == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let states = client.stateChanges()
        // A changed password disconnects the client; the one after it, in the same request, restores "pw" before
        // the client comes back.
        try await admin.publish(
            to: "$CONTROL/hookcast/v1", payload: Array(#"{"commands":[\#(put(changed)),\#(put(pw))]}"#.utf8),
            properties: control)
        let seen = try await states.untilReconnected(within: .seconds(15), "reconnect after the broker's DISCONNECT")
        #expect(
            seen.contains { if case .disconnected(let reason) = $0 { reason.contains("152") } else { false } },
            "\(seen)")
        #expect(seen.last?.isConnected == true)
        await client.disconnect()
        await admin.disconnect()
    }

    @Test("A publish made while the broker is down waits for the reconnect and then succeeds")
    func publishWaitsForReconnect() async throws {
        let broker = try await TestBroker()
        let client = try await ClientFactory.connected(port: broker.port)
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await client.subscribe(to: topic)
        await broker.stop()
        try await withTimeout(.seconds(5), "noticing the broker is gone") {
            while client.state.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        }
        let publish = Task { try await client.publish(to: topic, payload: Array("queued".utf8)) }
        try await Task.sleep(for: .milliseconds(300))
        try await broker.start()
        _ = try await publish.value
        #expect(try await subscription.collect(1).first?.payloadString == "queued")
        await client.disconnect()
    }

    @Test("A publish made while the broker stays down fails clearly after the offline wait")
    func publishFailsWhenBrokerStaysDown() async throws {
        let broker = try await TestBroker()
        var configuration = try ClientFactory.configuration(port: broker.port)
        configuration.offlineWaitTimeout = .milliseconds(500)
        let client = try MQTTClient(configuration: configuration)
        try await client.connect()
        await broker.stop()
        try await withTimeout(.seconds(5), "noticing the broker is gone") {
            while client.state.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        }
        let started = ContinuousClock.now
        await #expect(throws: MQTTError.notConnected(waited: .milliseconds(500))) {
            try await client.publish(to: "hookcast-test/offline", payload: [1])
        }
        // Failure detection, not a latency figure: without the offline wait the publish would never end.
        #expect(ContinuousClock.now - started < .seconds(30))
        await client.disconnect()
    }

    @Test("A port where nothing listens gives a clear error at once")
    func refusedPort() async throws {
        let client = try MQTTClient(configuration: ClientFactory.configuration(port: try FreePort.find()))
        let started = ContinuousClock.now
        do {
            try await client.connect()
            Issue.record("connect succeeded against a closed port")
        } catch let error as MQTTError {
            guard case .connectFailed(_, _, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reason.localizedCaseInsensitiveContains("refused"))
            #expect(error.description.contains("Could not connect to the MQTT broker at 127.0.0.1"))
        }
        // "At once" is the refusal's error above, not the connect timeout's; the bound only catches a hang.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(client.state == .idle)
    }

    @Test("A server that accepts TCP but never answers MQTT times out within the connect timeout")
    func silentServerTimesOut() async throws {
        let silent = try SilentServer()
        // Held to the end: Swift may release it after its last use (reading its port), and its deinit closes the
        // listening socket, which then resets the connection ("Unknown error", seen on a loaded runner).
        defer { withExtendedLifetime(silent) {} }
        var configuration = try ClientFactory.configuration(port: silent.port)
        configuration.connectTimeout = .seconds(1)
        // libmosquitto gives up on its own after the keepalive (10 s here) without a CONNACK, with "Unknown error";
        // on a loaded runner that once came first (the test took 12 s). Only the connect timeout may end it here.
        configuration.keepAlive = 600
        let client = try MQTTClient(configuration: configuration)
        let started = ContinuousClock.now
        await #expect(throws: MQTTError.connectTimedOut(host: "127.0.0.1", port: silent.port, after: .seconds(1))) {
            try await client.connect()
        }
        // The error names the connect timeout; the bound only catches a hang (the server never answers).
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(client.state == .idle)
    }

    @Test("Invalid settings are refused before any connection is tried")
    func invalidConfiguration() throws {
        #expect(throws: MQTTError.invalidConfiguration("the broker host is empty")) {
            _ = try MQTTClient(configuration: MQTTClient.Configuration(host: "", clientID: "x"))
        }
        #expect(throws: MQTTError.invalidConfiguration("the broker port 0 is not between 1 and 65535")) {
            _ = try MQTTClient(configuration: MQTTClient.Configuration(port: 0, clientID: "x"))
        }
    }

    @Test("A publish the broker's ACL forbids fails with reason code 135 (not authorized)")
    func notAuthorizedPublish() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-acl-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let acl = directory.appendingPathComponent("acl")
        try "topic read #\ntopic write allowed/#\n".write(to: acl, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: acl.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let broker = try await TestBroker(extraConfiguration: ["acl_file \(acl.path)"])
        let client = try await ClientFactory.connected(port: broker.port)
        #expect(try await client.publish(to: "allowed/x", payload: [1]).reasonCode == .noMatchingSubscribers)
        await #expect(throws: MQTTError.publishRejected(topic: "forbidden/x", .notAuthorized)) {
            try await client.publish(to: "forbidden/x", payload: [1])
        }
        await client.disconnect()
    }

    @Test("After disconnect the client refuses further work with a clear error")
    func closedClient() async throws {
        let client = try await ClientFactory.connected()
        await client.disconnect()
        #expect(client.state == .closed)
        await #expect(throws: MQTTError.clientClosed) { try await client.publish(to: "a", payload: []) }
        await #expect(throws: MQTTError.clientClosed) { try await client.connect() }
    }
}

/// Accepts TCP connections on loopback and never says a word: a broker that hangs.
final class SilentServer: @unchecked Sendable {
    // @unchecked Sendable: `socket` and `port` are set in init and never change.
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.socket = socket
        var address = FreePortAddress.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && listen(socket, 8) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}

enum FreePortAddress {
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
