import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Synchronization
import Testing

/// The shipped broker-bridge.conf between two real brokers: Hookcast's (broker.conf with the plugin, a gateway
/// and a reference agent) and a "corporate" mosquitto of the test's own, reached through a TCP proxy the test can
/// cut. Every direction is checked, before the link drops and after it returns.
@Suite("A mosquitto bridge to an integrator's broker", .serialized)
struct BridgeTests {
    static let root = testTopics.root

    /// broker-bridge.conf as shipped, pointed at `port` on loopback without TLS or a login (the corporate broker
    /// of the test is open), under the tests' prefix, with a short keepalive and retry so a cut is noticed soon.
    static func bridgeConfiguration(port: Int) throws -> [String] {
        let shipped = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("broker-bridge.conf"), encoding: .utf8)
        var lines: [String] = []
        for line in shipped.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ")
            switch words.first {
            case "address": lines.append("address 127.0.0.1:\(port)")
            case "remote_username", "remote_password", "bridge_cafile": continue
            case "restart_timeout": lines.append("restart_timeout 1")
            case "keepalive_interval": lines.append("keepalive_interval 2")
            default: lines.append(line.replacingOccurrences(of: "acme/signage/hookcast", with: root))
            }
        }
        return lines
    }

    /// Everything a client of the corporate broker receives under the prefix.
    final class Received: Sendable {
        final class Messages: Sendable {
            let list = Mutex<[MQTTMessage]>([])
        }
        private let messages = Messages()
        let client: MQTTClient
        private let reader: Task<Void, Never>

        init(port: Int) async throws {
            client = try MQTTClient(
                configuration: .init(port: port, clientID: "corporate-watch-\(UUID().uuidString.prefix(6))"))
            try await client.connect()
            let subscription = try await client.subscribe(to: "\(BridgeTests.root)/#")
            let messages = messages
            reader = Task { for await message in subscription { messages.list.withLock { $0.append(message) } } }
        }

        deinit { reader.cancel() }

        var all: [MQTTMessage] { messages.list.withLock { $0 } }

        /// Waits for a message that `matches`, and returns it.
        func first(
            _ what: String, _ matches: @escaping @Sendable (MQTTMessage) -> Bool
        ) async throws -> MQTTMessage {
            try await withTimeout(.seconds(60), what) {
                while true {
                    if let found = self.all.first(where: matches) { return found }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    /// How often the bridge logged in to the corporate broker, and how often its connection ended, by its log.
    static func bridgeLogins(_ corporate: TestBroker) -> Int {
        corporate.log.components(separatedBy: "as hookcast-bridge").count - 1
    }

    static func bridgeLogouts(_ corporate: TestBroker) -> Int {
        corporate.log.split(separator: "\n").filter {
            $0.contains("hookcast-bridge") && ($0.contains("disconnect") || $0.contains("closed its connection"))
        }.count
    }

    static func isAck(of commandID: String, _ message: MQTTMessage) -> Bool {
        message.topic == "\(root)/devices/lobby-1/acks" && message.payloadString.contains(commandID)
    }

    static func commandID(in message: MQTTMessage) -> String? {
        guard case .object(let fields)? = try? UntrustedJSON.decode(Data(message.payload)),
            case .string(let id)? = fields["command_id"]
        else { return nil }
        return id
    }

    @Test("Triggers come in, answers, acknowledgements and presence go out, commands stay; also after the link returns")
    func everyDirection() async throws {
        let corporate = try await TestBroker(access: .open)
        let link = try TCPProxy(upstreamPort: corporate.port)
        defer { link.close() }
        let hookcast = try await TestBroker(
            access: .secure, extraConfiguration: try Self.bridgeConfiguration(port: link.port))
        try await SecureGateway.run(broker: hookcast) { gateway, broker in
            let password = try await SecureGateway.createDevice(gateway, "lobby-1")
            let action = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"evacuate","function":"refresh_content","target":{"kind":"device","id":"lobby-1"}}"#)
            try #require(action.status == .created, "\(action.text)")
            let key = try await gateway.createKey(name: "corporate key")
            let integration = try await gateway.admin(
                .post, "integrations", #"{"name":"corporate","key_id":"\#(key.id)"}"#)
            try #require(integration.status == .created, "\(integration.text)")

            let received = try await Received(port: corporate.port)
            let agent = try DeviceAgent(
                configuration: .init(
                    deviceID: try DeviceID("lobby-1"), mqttPort: broker.port, username: "lobby-1", password: password,
                    topics: testTopics))
            let running = Task { try await agent.run() }
            defer { running.cancel() }

            // Out: the agent's presence reaches the corporate broker once the bridge is up.
            _ = try await received.first("presence on the corporate broker") {
                $0.topic == "\(Self.root)/devices/lobby-1/status" && $0.payloadString.contains("online")
            }

            // In: a trigger published on the corporate broker, answered there, its command acknowledged there.
            let sender = try MQTTClient(configuration: .init(port: corporate.port, clientID: "corporate-erp"))
            try await sender.connect()
            defer { Task { await sender.disconnect() } }
            func trigger(_ reference: String) async throws {
                try await sender.publish(
                    to: "\(Self.root)/triggers/evacuate", payload: Array(#"{"event_id":"evacuate"}"#.utf8),
                    qos: .atLeastOnce,
                    properties: MQTTPublishProperties(
                        correlationData: Array(reference.utf8),
                        responseTopic: "\(Self.root)/answers/corporate/\(reference)"))
            }
            try await trigger("r1")
            let answer = try await received.first("the answer on the corporate broker") {
                $0.topic == "\(Self.root)/answers/corporate/r1"
            }
            #expect(answer.properties.correlationData == Array("r1".utf8))
            #expect(answer.properties.userProperties.contains(MQTTUserProperty("status", "200")), "\(answer.payloadString)")
            let first = try #require(Self.commandID(in: answer), "\(answer.payloadString)")
            _ = try await received.first("the acknowledgement on the corporate broker") { Self.isAck(of: first, $0) }
            let command = try await gateway.admin(.get, "commands/\(first)")
            #expect(command["api_key_id"] == .string(key.id), "acted on with the integration's key: \(command.text)")

            // The link drops: both brokers see the bridge's connection close; meanwhile each queues for the other.
            let bridgeLogins = Self.bridgeLogins(corporate)
            link.cut()
            try await withTimeout(.seconds(60), "the corporate broker seeing the bridge go") {
                while !corporate.log.contains("hookcast-bridge") || Self.bridgeLogouts(corporate) == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let webhook = try await gateway.postWebhook(
                key: key.secret, body: #"{"event_id":"evacuate"}"#, query: "wait=30")
            #expect(webhook["complete"] == .bool(true), "the device is on Hookcast's side: \(webhook.text)")
            guard case .string(let during)? = webhook["command_id"] else {
                Issue.record("no command: \(webhook.text)")
                return
            }
            #expect(!received.all.contains { Self.isAck(of: during, $0) }, "nothing crosses a cut link")

            // ... and returns: the bridge logs in again, and what was queued on either side crosses.
            link.heal()
            try await withTimeout(.seconds(60), "the bridge back on the corporate broker") {
                while Self.bridgeLogins(corporate) <= bridgeLogins { try await Task.sleep(for: .milliseconds(50)) }
            }
            _ = try await received.first("the acknowledgement made while the link was down") {
                Self.isAck(of: during, $0)
            }
            // Triggers come in again. (One published on the corporate broker while the link was down is not kept
            // there: a mosquitto 2.0 bridge asks for no MQTT v5 session expiry; docs/bridging.md.)
            try await trigger("r2")
            let late = try await received.first("the answer to a trigger sent after the link returned") {
                $0.topic == "\(Self.root)/answers/corporate/r2"
            }
            #expect(late.properties.userProperties.contains(MQTTUserProperty("status", "200")), "\(late.payloadString)")
            let second = try #require(Self.commandID(in: late), "\(late.payloadString)")
            _ = try await received.first("its acknowledgement") { Self.isAck(of: second, $0) }

            // Commands, configs and the control topic never leave Hookcast's broker.
            let leaked = received.all.map(\.topic).filter {
                $0.hasSuffix("/commands") || $0.hasSuffix("/config") || $0.hasPrefix("$CONTROL")
            }
            #expect(leaked.isEmpty, "\(leaked)")
            await received.client.disconnect()
        }
        withExtendedLifetime(corporate) {}
    }
}
