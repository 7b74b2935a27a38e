import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

/// The access matrix of integration and observer accounts on a broker started from the shipped configuration,
/// with the plugin: accounts made through the admin API, what arrives checked with `mosquitto_sub`. A message that
/// must not arrive is published before one that must (the earlier one's PUBACK awaited), so seeing the later one
/// means the earlier one would have been delivered by then.
@Suite("Integration and observer accounts on the broker", .serialized)
struct ClientAccountAccessTests {
    static let root = testTopics.root

    /// The reason codes of a `mosquitto_sub -d` SUBACK, in filter order.
    static func subackCodes(_ subscriber: MosquittoSubscriber) -> [String] {
        guard let line = subscriber.output.split(separator: "\n").first(where: { $0.hasPrefix("Subscribed (mid:") })
        else { return [] }
        return line.split(separator: ":").last?.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? []
    }

    @Test("An integration publishes triggers and nothing else, reads only its own answers, and owns its client ids")
    func integration() async throws {
        try await SecureGateway.run { gateway, broker in
            _ = try await SecureGateway.createDevice(gateway, "door-1")
            let key = try await gateway.createKey()
            let created = try await gateway.admin(.post, "integrations", #"{"name":"erp","key_id":"\#(key.id)"}"#)
            try #require(created.status == .created, "\(created.text)")
            #expect(created.string("username") == "integration.erp")
            let password = try #require(created.string("password"))

            for clientID in ["door-1", "hookcast-gateway", "integration.erpx", "erp"] {
                let intruder = try SecureGateway.client(
                    broker, username: "integration.erp", password: password, clientID: clientID)
                await #expect(throws: MQTTError.self, "client id \(clientID)") { try await intruder.connect() }
                await intruder.disconnect(drainTimeout: .zero)
            }
            let wrong = try SecureGateway.client(broker, username: "integration.erp", password: "wrong")
            await #expect(throws: MQTTError.self) { try await wrong.connect() }
            await wrong.disconnect(drainTimeout: .zero)

            let client = try SecureGateway.client(
                broker, username: "integration.erp", password: password, clientID: "integration.erp:worker-1")
            try await client.connect()
            try await client.publish(to: "\(Self.root)/triggers/door-open", payload: Array("{}".utf8))
            for topic in [
                "\(Self.root)/devices/door-1/commands", "\(Self.root)/all/commands", "\(Self.root)/groups/g/commands",
                "\(Self.root)/devices/door-1/acks", "\(Self.root)/answers/erp/x", "\(Self.root)/triggers/a/b",
                "\(Self.root)/state/emergency/all", "$CONTROL/hookcast/v1",
            ] {
                await #expect(throws: MQTTError.publishRejected(topic: topic, .notAuthorized), "\(topic)") {
                    try await client.publish(to: topic, payload: Array("{}".utf8))
                }
            }
            await client.disconnect()

            let reader = try await MosquittoSubscriber(
                port: broker.port, username: "integration.erp", password: password, clientID: "integration.erp",
                filters: [
                    "\(Self.root)/answers/erp/#", "\(Self.root)/answers/crm/#", "\(Self.root)/answers/+/#",
                    "\(Self.root)/#", "\(Self.root)/devices/+/acks",
                ])
            #expect(Self.subackCodes(reader) == ["1", "135", "135", "135", "135"], "\(reader.output)")
            await reader.stop()
        }
    }

    @Test("Observers read acks and presence of their scope, commands only when included, and publish nothing")
    func observers() async throws {
        try await SecureGateway.run { gateway, broker in
            let lobbyPassword = try await SecureGateway.createDevice(gateway, "lobby-1")
            let hallPassword = try await SecureGateway.createDevice(gateway, "hall-1")
            try await SecureGateway.createGroup(gateway, "lobby", members: ["lobby-1"])
            try await SecureGateway.createGroup(gateway, "hall", members: ["hall-1"])
            func observer(_ body: String) async throws -> String {
                let created = try await gateway.admin(.post, "observers", body)
                try #require(created.status == .created, "\(created.text)")
                return try #require(created.string("password"))
            }
            let fleetPassword = try await observer(#"{"name":"fleet"}"#)
            let lobbyWatchPassword = try await observer(
                #"{"name":"lobbywatch","groups":["lobby"],"include_commands":true}"#)

            let fleet = try await MosquittoSubscriber(
                port: broker.port, username: "observer.fleet", password: fleetPassword, clientID: "observer.fleet",
                filters: [
                    "\(Self.root)/devices/+/acks", "\(Self.root)/devices/+/status", "\(Self.root)/state/emergency/#",
                    "\(Self.root)/devices/+/commands", "\(Self.root)/all/commands", "\(Self.root)/#",
                ])
            #expect(Self.subackCodes(fleet) == ["1", "1", "1", "135", "135", "135"], "\(fleet.output)")
            let lobbyWatch = try await MosquittoSubscriber(
                port: broker.port, username: "observer.lobbywatch", password: lobbyWatchPassword,
                clientID: "observer.lobbywatch",
                filters: [
                    "\(Self.root)/devices/+/acks", "\(Self.root)/devices/+/commands", "\(Self.root)/all/commands",
                    "\(Self.root)/groups/+/commands", "\(Self.root)/tags/+/commands",
                ])
            #expect(Self.subackCodes(lobbyWatch) == ["1", "1", "1", "1", "135"], "\(lobbyWatch.output)")

            // The hall device first: the lobby observer must not see it, the fleet observer must.
            for (id, password) in [("hall-1", hallPassword), ("lobby-1", lobbyPassword)] {
                let device = try SecureGateway.client(broker, username: id, password: password)
                try await device.connect()
                try await device.publish(to: testTopics.deviceAcks(try DeviceID(id)), payload: Array("{}".utf8))
                await device.disconnect()
            }
            try await lobbyWatch.waitUntil("the lobby observer sees its device's ack") {
                $0.contains("\(Self.root)/devices/lobby-1/acks")
            }
            try await fleet.waitUntil("the fleet observer sees both acks") { $0.count >= 2 }
            #expect(lobbyWatch.receivedTopics == ["\(Self.root)/devices/lobby-1/acks"], "\(lobbyWatch.receivedTopics)")

            let key = try await gateway.createKey().secret
            try await SecureGateway.trigger(gateway, event: "hall-only", target: "device:hall-1", key: key)
            try await SecureGateway.trigger(gateway, event: "lobby-only", target: "device:lobby-1", key: key)
            try await SecureGateway.trigger(gateway, event: "everyone", target: "all", key: key)
            try await lobbyWatch.waitUntil("the lobby observer sees its device's command and the broadcast") {
                $0.contains("\(Self.root)/devices/lobby-1/commands") && $0.contains("\(Self.root)/all/commands")
            }
            #expect(!lobbyWatch.receivedTopics.contains("\(Self.root)/devices/hall-1/commands"))
            #expect(fleet.receivedTopics.allSatisfy { !$0.hasSuffix("/commands") }, "\(fleet.receivedTopics)")

            let publisher = try SecureGateway.client(
                broker, username: "observer.lobbywatch", password: lobbyWatchPassword,
                clientID: "observer.lobbywatch:probe")
            try await publisher.connect()
            for topic in [
                "\(Self.root)/devices/lobby-1/acks", "\(Self.root)/devices/lobby-1/commands",
                "\(Self.root)/all/commands",
                "\(Self.root)/triggers/x", "\(Self.root)/state/emergency/all",
            ] {
                await #expect(throws: MQTTError.publishRejected(topic: topic, .notAuthorized), "\(topic)") {
                    try await publisher.publish(to: topic, payload: Array("{}".utf8))
                }
            }
            await publisher.disconnect()

            // Deleting the account disconnects it at once.
            #expect(try await gateway.admin(.delete, "observers/fleet").status == .noContent)
            try await withTimeout(.seconds(10), "the deleted observer's connection closed") {
                while fleet.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            }
            await lobbyWatch.stop()
        }
    }
}
