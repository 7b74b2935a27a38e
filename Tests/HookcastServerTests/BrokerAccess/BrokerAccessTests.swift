import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

/// The access-control matrix on a broker started from the shipped configuration: every attempt a device account
/// (or no account) makes beyond its own topics is refused, and what arrives is checked with mosquitto's own
/// `mosquitto_sub`, not only the reason codes.
@Suite("Broker access control", .serialized)
struct BrokerAccessTests {
    @Test("Nobody connects without the right account: anonymous, wrong password, unknown or wildcard user names")
    func connectionsNeedAnAccount() async throws {
        try await SecureGateway.run { gateway, broker in
            let password = try await SecureGateway.createDevice(gateway, "door-1")
            let attempts: [(String?, String?)] = [
                (nil, nil), ("door-1", "wrong-password"), ("door-1", nil), ("door-2", password),
                ("door-+", password), ("#", password), ("hookcast-gateway", password),
            ]
            for (username, secret) in attempts {
                let client = try SecureGateway.client(broker, username: username, password: secret)
                await #expect(throws: MQTTError.self, "\(username ?? "anonymous") must be refused") {
                    try await client.connect()
                }
                await client.disconnect(drainTimeout: .zero)
            }
            let device = try SecureGateway.client(broker, username: "door-1", password: password)
            try await device.connect()
            await device.disconnect()
        }
    }

    @Test("A device reads only its own topics, its groups' and the broadcast: nothing else arrives")
    func devicesReadOnlyWhatIsAddressedToThem() async throws {
        try await SecureGateway.run { gateway, broker in
            let attackerPassword = try await SecureGateway.createDevice(gateway, "lobby-1")
            let victimPassword = try await SecureGateway.createDevice(gateway, "vault-1")
            try await SecureGateway.createGroup(gateway, "lobby", members: ["lobby-1"])
            try await SecureGateway.createGroup(gateway, "vault", members: ["vault-1"])
            let root = testTopics.root
            let victim = try await MosquittoSubscriber(
                port: broker.port, username: "vault-1", password: victimPassword, clientID: "vault-1",
                filters: [
                    "\(root)/devices/vault-1/commands", "\(root)/groups/vault/commands", "\(root)/all/commands",
                ])
            // One filter it may use keeps the attacker connected; every other one reaches for more.
            let attacker = try await MosquittoSubscriber(
                port: broker.port, username: "lobby-1", password: attackerPassword, clientID: "lobby-1",
                filters: [
                    "\(root)/all/commands",
                    "\(root)/devices/vault-1/commands", "\(root)/devices/vault-1/config",
                    "\(root)/devices/vault-1/acks", "\(root)/devices/vault-1/status", "\(root)/devices/vault-1/+",
                    "\(root)/groups/vault/commands", "\(root)/devices/+/commands", "\(root)/groups/+/commands",
                    "\(root)/#", "#", "+/+/+/+/+", "$share/steal/\(root)/devices/+/acks", "$CONTROL/#",
                    "$CONTROL/hookcast/v1/response/#", "$CONTROL/hookcast/v1/response/hookcast-gateway",
                    "\(root)/state/emergency/devices/vault-1",
                ])
            #expect(attacker.output.contains("135"), "the SUBACK refuses the foreign filters: \(attacker.output)")

            let key = try await gateway.createKey().secret
            try await SecureGateway.trigger(gateway, event: "vault-device", target: "device:vault-1", key: key)
            try await SecureGateway.trigger(gateway, event: "vault-group", target: "group:vault", key: key)
            try await SecureGateway.trigger(gateway, event: "everyone", target: "all", key: key)
            // The victim acknowledges and reports presence; the attacker must see neither.
            let victimClient = try SecureGateway.client(broker, username: "vault-1", password: victimPassword)
            try await victimClient.connect()
            try await victimClient.publish(
                to: testTopics.deviceStatus(try DeviceID("vault-1")), payload: Array("{}".utf8))
            await victimClient.disconnect()

            try await victim.waitUntil("the victim receives its three commands") { $0.count >= 3 }
            try await attacker.waitUntil("the attacker receives the broadcast") {
                $0.contains("\(root)/all/commands")
            }
            try await Task.sleep(for: .seconds(1))
            #expect(attacker.receivedTopics == ["\(root)/all/commands"], "leaked: \(attacker.receivedTopics)")
        }
    }

    @Test("A device account cannot command devices, speak for another device, or manage accounts")
    func devicesCannotCommandOrImpersonate() async throws {
        try await SecureGateway.run { gateway, broker in
            let attackerPassword = try await SecureGateway.createDevice(gateway, "kiosk-1")
            let victimPassword = try await SecureGateway.createDevice(gateway, "kiosk-2")
            try await SecureGateway.createGroup(gateway, "kiosks", members: ["kiosk-1", "kiosk-2"])
            let root = testTopics.root
            let victim = try await MosquittoSubscriber(
                port: broker.port, username: "kiosk-2", password: victimPassword, clientID: "kiosk-2",
                filters: ["\(root)/devices/kiosk-2/commands", "\(root)/groups/kiosks/commands", "\(root)/all/commands"])
            let attacker = try SecureGateway.client(broker, username: "kiosk-1", password: attackerPassword)
            try await attacker.connect()
            let forged = Array(#"{"function":"load_url","parameters":{"url":"https://evil.example"}}"#.utf8)
            let forbidden = [
                "\(root)/devices/kiosk-2/commands", "\(root)/groups/kiosks/commands", "\(root)/all/commands",
                "\(root)/devices/kiosk-2/acks", "\(root)/devices/kiosk-2/status", "\(root)/devices/kiosk-2/config",
                "\(root)/state/emergency/all", "$CONTROL/hookcast/v1", "$CONTROL/hookcast/v1/response/hookcast-gateway",
            ]
            for topic in forbidden {
                await #expect(throws: MQTTError.publishRejected(topic: topic, .notAuthorized)) {
                    try await attacker.publish(to: topic, payload: forged)
                }
            }
            // Its own acknowledgement topic is open to it.
            try await attacker.publish(to: testTopics.deviceAcks(try DeviceID("kiosk-1")), payload: Array("{}".utf8))
            await attacker.disconnect()
            try await Task.sleep(for: .seconds(1))
            #expect(victim.receivedTopics.isEmpty, "forged commands arrived: \(victim.receivedTopics)")
            #expect(victim.isRunning)
        }
    }

    @Test("Connecting with another device's client id is refused, and the device keeps its session")
    func clientIDTakeoverIsImpossible() async throws {
        try await SecureGateway.run { gateway, broker in
            let attackerPassword = try await SecureGateway.createDevice(gateway, "screen-1")
            let victimPassword = try await SecureGateway.createDevice(gateway, "screen-2")
            let victim = try await MosquittoSubscriber(
                port: broker.port, username: "screen-2", password: victimPassword, clientID: "screen-2",
                filters: ["\(testTopics.root)/devices/screen-2/commands"])
            for clientID in ["screen-2", "hookcast-gateway", "anything-else"] {
                let attacker = try SecureGateway.client(
                    broker, username: "screen-1", password: attackerPassword, clientID: clientID)
                await #expect(throws: MQTTError.self, "screen-1 connecting as \(clientID)") {
                    try await attacker.connect()
                }
                await attacker.disconnect(drainTimeout: .zero)
            }
            let key = try await gateway.createKey().secret
            try await SecureGateway.trigger(gateway, event: "screen-2-only", target: "device:screen-2", key: key)
            try await victim.waitUntil("the victim keeps its session and receives its command") { $0.count == 1 }
            #expect(victim.isRunning)
            #expect(try await gateway.request(.get, "/readyz").status == .ok, "the gateway kept its session")
        }
    }

    @Test("Group changes, password resets and deletions apply to connected devices at once")
    func changesApplyLive() async throws {
        try await SecureGateway.run { gateway, broker in
            let leaverPassword = try await SecureGateway.createDevice(gateway, "hall-1")
            let stayerPassword = try await SecureGateway.createDevice(gateway, "hall-2")
            try await SecureGateway.createGroup(gateway, "hall", members: ["hall-1", "hall-2"])
            let groupTopic = "\(testTopics.root)/groups/hall/commands"
            let leaver = try await MosquittoSubscriber(
                port: broker.port, username: "hall-1", password: leaverPassword, clientID: "hall-1",
                filters: [groupTopic])
            let stayer = try await MosquittoSubscriber(
                port: broker.port, username: "hall-2", password: stayerPassword, clientID: "hall-2",
                filters: [groupTopic])
            let key = try await gateway.createKey().secret
            try await SecureGateway.trigger(gateway, event: "hall-first", target: "group:hall", key: key)
            try await leaver.waitUntil("a member receives the group's command") { $0.count == 1 }

            let removed = try await gateway.admin(.delete, "groups/hall/members/hall-1")
            #expect(removed.status == .ok, "\(removed.text)")
            let second = try await gateway.postWebhook(key: key, body: #"{"event_id":"hall-first"}"#)
            #expect(second["message"] == .string("success"))
            try await stayer.waitUntil("the remaining member receives the second command") { $0.count == 2 }
            try await Task.sleep(for: .milliseconds(500))
            #expect(
                leaver.receivedTopics.count == 1, "a removed member still reads the group: \(leaver.receivedTopics)")

            // A new password: the old one stops working, the new one works.
            let reset = try await gateway.admin(.post, "devices/hall-2/mqtt-password")
            let newPassword = try #require(reset.string("mqtt_password"))
            #expect(reset.string("device_id") == "hall-2")
            let old = try SecureGateway.client(broker, username: "hall-2", password: stayerPassword)
            await #expect(throws: MQTTError.self) { try await old.connect() }
            await old.disconnect(drainTimeout: .zero)
            let renewed = try SecureGateway.client(broker, username: "hall-2", password: newPassword)
            try await renewed.connect()
            await renewed.disconnect()

            // Deleting a device revokes its account: its connection is closed and it cannot come back.
            #expect(try await gateway.admin(.delete, "devices/hall-1").status == .noContent)
            try await withTimeout(.seconds(10), "the deleted device's connection closed") {
                while leaver.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            }
            let revoked = try SecureGateway.client(broker, username: "hall-1", password: leaverPassword)
            await #expect(throws: MQTTError.self) { try await revoked.connect() }
            await revoked.disconnect(drainTimeout: .zero)
        }
    }

    @Test("Ids that could reach a wildcard or another topic are refused before they reach the broker")
    func topicIdentifiersAreValidated() async throws {
        try await SecureGateway.run { gateway, _ in
            for id in ["a+b", "a#", "#", "a/b", "..", "a b", "a\\u0000b", String(repeating: "x", count: 65), ""] {
                let device = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
                #expect(device.status == .unprocessableContent, "device id \(id): \(device.text)")
                let group = try await gateway.admin(.post, "groups", #"{"id":"\#(id)"}"#)
                #expect(group.status == .unprocessableContent, "group id \(id): \(group.text)")
            }
            for path in ["devices/a%2Bb/mqtt-password", "devices/%23/mqtt-password", "devices/a%2Fb/mqtt-password"] {
                #expect(try await gateway.admin(.post, path).status == .notFound, "\(path)")
            }
            let reserved = try await gateway.admin(.post, "devices", #"{"id":"hookcast-gateway"}"#)
            #expect(reserved.status == .conflict, "\(reserved.text)")
            #expect(reserved.errorCode == "reserved_id")
            #expect(try await gateway.admin(.get, "devices/hookcast-gateway").status == .notFound)
        }
    }

    @Test("After a restart the gateway revokes accounts whose devices are gone and restores memberships")
    func reconciliationRepairsTheBroker() async throws {
        let broker = try await TestBroker(access: .secure)
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwords = PasswordBox()
        try await SecureGateway.run(dataDirectory: directory, broker: broker) { gateway, _ in
            passwords.ghost = try await SecureGateway.createDevice(gateway, "ghost-1")
            passwords.member = try await SecureGateway.createDevice(gateway, "member-1")
            try await SecureGateway.createGroup(gateway, "crew", members: ["member-1"])
        }
        // Behind the gateway's back (as if its requests had been lost): the device row goes, the account stays;
        // the plugin forgets the group's memberships.
        try await Self.deleteDeviceRow("ghost-1", in: directory)
        let credentials = try broker.gatewayCredentials
        let admin = try SecureGateway.client(
            broker, username: credentials.username, password: credentials.password, clientID: "reconcile-admin")
        try await admin.connect()
        try await admin.publish(
            to: BrokerControl.requestTopic,
            payload: Array(#"{"commands":[{"command":"removeGroup","group":"crew"}]}"#.utf8),
            properties: MQTTPublishProperties(
                correlationData: [1], responseTopic: "\(BrokerControl.responseTopic)/reconcile-admin"))
        await admin.disconnect()

        try await SecureGateway.run(dataDirectory: directory, broker: broker) { gateway, broker in
            try await withTimeout(.seconds(15), "the orphaned account revoked") {
                while true {
                    let ghost = try SecureGateway.client(broker, username: "ghost-1", password: passwords.ghost)
                    let connected = (try? await ghost.connect()) != nil
                    await ghost.disconnect(drainTimeout: .zero)
                    if !connected { return }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            try await withTimeout(.seconds(15), "the membership restored") {
                while true {
                    let member = try await MosquittoSubscriber(
                        port: broker.port, username: "member-1", password: passwords.member, clientID: "member-1",
                        filters: ["\(testTopics.root)/groups/crew/commands"])
                    if member.output.contains("Subscribed (mid: 1): 1") { return }
                    await member.stop()
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
    }

    private static func deleteDeviceRow(_ id: String, in directory: URL) async throws {
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: .init(label: "test"))
        #expect(try await store.devices.delete(id: try DeviceID(id)))
        try await store.close()
    }
}

/// Passwords handed from one gateway run to the next.
private final class PasswordBox: @unchecked Sendable {
    // @unchecked Sendable: written in the first gateway run and read in the second, which starts after the
    // first has returned; never accessed concurrently.
    var ghost = ""
    var member = ""
}

@Suite("Broker accounts without the plugin")
struct BrokerWithoutPluginTests {
    @Test("A broker that does not answer for accounts gets a 503 naming the likely cause, and no device is kept")
    func noPluginNoDevice() async throws {
        // The open test broker has no plugin: nobody answers on its control topic.
        try await GatewayHarness.run(configure: {
            $0.deviceAccounts = .plugin
            $0.brokerAccountTimeout = .milliseconds(500)
        }) { gateway in
            let id = "orphan-\(UUID().uuidString.prefix(8))"
            let created = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            #expect(created.status == .serviceUnavailable, "\(created.text)")
            #expect(created.errorCode == "broker_unavailable")
            #expect(created.string("detail")?.contains("Hookcast's broker plugin") == true)
            #expect(created.headers[.retryAfter] == "5")
            #expect(try await gateway.admin(.get, "devices/\(id)").status == .notFound)
        }
    }
}
