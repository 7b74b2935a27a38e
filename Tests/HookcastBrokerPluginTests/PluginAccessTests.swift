import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// Logins and access checks of the plugin loaded into a real mosquitto, observed with `mosquitto_sub` and
/// `mosquitto_pub`.
@Suite("Broker plugin: logins and access", .serialized)
struct PluginAccessTests {
    let root = testTopics.root

    @Test("A device logs in only with its password and its id as client id; strangers never")
    func logins() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "right")]))
        let own = ["\(root)/devices/panel-1/commands"]
        let refused: [(String?, String?, String)] = [
            ("panel-1", "wrong", "panel-1"), ("panel-1", nil, "panel-1"), ("panel-1", "right", "panel-2"),
            ("stranger", "right", "stranger"), (nil, nil, "anonymous"), (PluginBroker.gatewayName, "right", "gw"),
        ]
        for (username, password, clientID) in refused {
            let attempt = try await MosquittoSubscriber(
                port: broker.port, username: username, password: password, clientID: clientID, filters: own)
            #expect(!attempt.output.contains("received SUBACK"), "\(username ?? "anonymous") as \(clientID)")
            #expect(attempt.output.lowercased().contains("not authori"), "\(attempt.output)")
        }
        let device = try await broker.subscriber("panel-1", password: "right", filters: own)
        #expect(device.output.contains("received SUBACK"))
        #expect(device.isRunning)
    }

    @Test("Own commands arrive; other devices' topics and wildcards are refused; groups only for members")
    func accessMatrix() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(
            .putDevices([try .make("panel-1", password: "p1", groups: ["lobby"]), try .make("panel-2", password: "p2")])
        )
        let member = try await broker.subscriber(
            "panel-1", password: "p1",
            filters: ["\(root)/devices/panel-1/commands", "\(root)/groups/lobby/commands"])
        let outsider = try await broker.subscriber(
            "panel-2", password: "p2",
            filters: [
                "\(root)/devices/panel-2/commands", "\(root)/devices/panel-1/commands", "\(root)/groups/lobby/commands",
                "\(root)/devices/+/commands", "\(root)/#", "#", "$CONTROL/#",
            ])
        #expect(!member.output.contains("135"), "the member's filters are granted: \(member.output)")
        // mosquitto_sub prints the SUBACK's reason codes in order: granted QoS 1, then six refusals.
        #expect(outsider.output.contains("1, 135, 135, 135, 135, 135, 135"), "\(outsider.output)")

        try await broker.publishAsGateway("\(root)/groups/lobby/commands")
        try await broker.publishAsGateway("\(root)/devices/panel-1/commands")
        try await broker.publishAsGateway("\(root)/devices/panel-2/commands")
        try await member.waitUntil("the member receives its group's and its own command") { $0.count == 2 }
        try await outsider.waitUntil("the outsider receives its own command") {
            $0.contains("\(root)/devices/panel-2/commands")
        }
        #expect(member.receivedTopics == ["\(root)/groups/lobby/commands", "\(root)/devices/panel-1/commands"])
        #expect(outsider.receivedTopics == ["\(root)/devices/panel-2/commands"], "nothing else reached it")
    }

    @Test("A device cannot publish commands or speak for another device")
    func forgedPublishes() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(
            .putDevices([try .make("panel-1", password: "p1"), try .make("panel-2", password: "p2")]))
        let victim = try await broker.subscriber(
            "panel-2", password: "p2", filters: ["\(root)/devices/panel-2/commands"])
        let watcher = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "watcher",
            filters: ["\(root)/devices/+/acks"])
        for topic in ["\(root)/devices/panel-2/commands", "\(root)/devices/panel-2/acks", "\(root)/all/commands"] {
            _ = try await MosquittoClient.run(
                "mosquitto_pub",
                [
                    "-h", "127.0.0.1", "-p", String(broker.port), "-V", "5", "-q", "1", "-u", "panel-1", "-P", "p1",
                    "-i", "panel-1", "-t", topic, "-m", "forged",
                ])
        }
        // Its own acknowledgement goes through, and arrives after anything it sent before.
        _ = try await MosquittoClient.run(
            "mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", String(broker.port), "-V", "5", "-q", "1", "-u", "panel-1", "-P", "p1",
                "-i", "panel-1", "-t", "\(root)/devices/panel-1/acks", "-m", "{}",
            ])
        try await watcher.waitUntil("the gateway receives panel-1's own acknowledgement") { !$0.isEmpty }
        #expect(watcher.receivedTopics == ["\(root)/devices/panel-1/acks"])
        try await broker.publishAsGateway("\(root)/devices/panel-2/commands")
        try await victim.waitUntil("the victim receives the gateway's command") { !$0.isEmpty }
        #expect(victim.receivedTopics == ["\(root)/devices/panel-2/commands"], "no forged command arrived")
    }

    @Test("A removed member receives no further group command and stays connected; a group change kicks nobody")
    func groupChangesNeverDisconnect() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(
            .putDevices([
                try .make("panel-1", password: "p1", groups: ["lobby"]), try .make("panel-2", password: "p2"),
            ]))
        let group = "\(root)/groups/lobby/commands"
        let leaver = try await broker.subscriber(
            "panel-1", password: "p1", filters: [group, "\(root)/devices/panel-1/commands"])
        let joiner = try await broker.subscriber(
            "panel-2", password: "p2", filters: ["\(root)/devices/panel-2/commands"])
        try await broker.publishAsGateway(group)
        try await leaver.waitUntil("a member receives the group's command") { $0 == [group] }

        let results = try await broker.control(
            .setGroups([
                BrokerDeviceGroups(id: try DeviceID("panel-1"), groups: []),
                BrokerDeviceGroups(id: try DeviceID("panel-2"), groups: [try GroupID("lobby")]),
            ]))
        #expect(results == [BrokerControlResult(command: "setGroups")])
        // Delivered in the order published: once the device command is there, the group command was not.
        try await broker.publishAsGateway(group)
        try await broker.publishAsGateway("\(root)/devices/panel-1/commands")
        try await leaver.waitUntil("the leaver receives its own command") { $0.count >= 2 }
        #expect(leaver.receivedTopics == [group, "\(root)/devices/panel-1/commands"])

        for subscriber in [leaver, joiner] {
            #expect(subscriber.isRunning)
            let connacks = subscriber.output.components(separatedBy: "received CONNACK").count - 1
            #expect(connacks == 1, "connected once, never reconnected: \(subscriber.output)")
        }
        // The new member may subscribe to the group now (a new connection: mosquitto_sub subscribes only once).
        await joiner.stop()
        let joined = try await broker.subscriber("panel-2", password: "p2", filters: [group])
        #expect(joined.output.contains("received SUBACK") && !joined.output.contains("135"), "\(joined.output)")
    }

    @Test("Deleting a device disconnects it, and it cannot log in again")
    func deleteDisconnects() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "p1")]))
        let device = try await broker.subscriber(
            "panel-1", password: "p1", filters: ["\(root)/devices/panel-1/commands"])
        #expect(device.isRunning)
        let started = ContinuousClock.now
        let results = try await broker.control(.deleteDevices([try DeviceID("panel-1")]))
        #expect(results == [BrokerControlResult(command: "deleteDevices", count: 1)])
        try await withTimeout(.seconds(60), "mosquitto_sub of the deleted device ends") {
            while device.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        }
        print("broker-plugin: a deleted device was disconnected \(ContinuousClock.now - started) after the request")
        let again = try await broker.subscriber(
            "panel-1", password: "p1", filters: ["\(root)/devices/panel-1/commands"])
        #expect(!again.output.contains("received SUBACK"), "a deleted device cannot log in: \(again.output)")
    }

    @Test("A changed password disconnects the device; the new password logs in")
    func passwordChangeDisconnects() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "old")]))
        let device = try await broker.subscriber(
            "panel-1", password: "old", filters: ["\(root)/devices/panel-1/commands"])
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "new")]))
        try await withTimeout(.seconds(60), "mosquitto_sub with the old password ends") {
            while device.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        }
        let renewed = try await broker.subscriber(
            "panel-1", password: "new", filters: ["\(root)/devices/panel-1/commands"])
        #expect(renewed.output.contains("received SUBACK"))
    }
}
