import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The acknowledgements the plugin gathers for the gateways that ask (`GatheredAcknowledgements`), in a real
/// mosquitto, observed with `mosquitto_sub` and `mosquitto_pub`.
@Suite("Broker plugin: acknowledgements gathered for the gateways", .serialized)
struct PluginGatheringTests {
    let root = testTopics.root
    let batchesTopic = testTopics.gatheredAcknowledgements
    var batches: String { "$share/gateways/\(batchesTopic)" }
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func acknowledge(
        _ broker: PluginBroker, as device: String, password: String, topic: String? = nil, extra: [String] = []
    ) async throws {
        let topic = topic ?? "\(root)/devices/\(device)/acks"
        let payload = #"{"device_id":"\#(device)"}"#
        var arguments = ["-h", "127.0.0.1", "-p", String(broker.port), "-V", "5", "-q", "1"]
        arguments += ["-u", device, "-P", password, "-i", device, "-t", topic, "-m", payload]
        _ = try await MosquittoClient.run("mosquitto_pub", arguments + extra)
    }

    func entries(_ subscriber: MosquittoSubscriber) -> [GatheredAcknowledgements.Entry] {
        var entries: [GatheredAcknowledgements.Entry] = []
        for payload in subscriber.receivedPayloads {
            #expect(GatheredAcknowledgements.read(payload) { entries.append($0) })
        }
        return entries
    }

    @Test("A gateway that asks gets the acknowledgements in batches and none singly; one that does not, singly")
    func batchesForThoseWhoAsk() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(
            .putDevices([try .make("panel-1", password: "p1"), try .make("panel-2", password: "p2")]))
        let gathering = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "gateway-gathering",
            filters: [batches, "$share/gateways/\(root)/devices/+/acks"], payloads: true)
        let plain = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "gateway-plain",
            filters: ["\(root)/devices/+/acks"])
        try await acknowledge(
            broker, as: "panel-1", password: "p1",
            extra: ["-D", "publish", "user-property", "traceparent", traceparent])
        try await acknowledge(broker, as: "panel-2", password: "p2")

        try await plain.waitUntil("the gateway that did not ask gets both singly") { $0.count == 2 }
        #expect(plain.receivedTopics == ["\(root)/devices/panel-1/acks", "\(root)/devices/panel-2/acks"])
        try await gathering.waitUntil("the gathering gateway gets both in batches") { _ in entries(gathering).count == 2
        }
        // A single acknowledgement would have been written before the batch it is in.
        #expect(Set(gathering.receivedTopics) == [batchesTopic])
        #expect(
            entries(gathering) == [
                GatheredAcknowledgements.Entry(
                    topic: "\(root)/devices/panel-1/acks", payload: Array(#"{"device_id":"panel-1"}"#.utf8),
                    traceparent: traceparent),
                GatheredAcknowledgements.Entry(
                    topic: "\(root)/devices/panel-2/acks", payload: Array(#"{"device_id":"panel-2"}"#.utf8)),
            ])
    }

    @Test("Only gateways read the batches, and nobody can publish one")
    func batchesCannotBeForgedOrRead() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "p1")]))
        let gathering = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "gateway-gathering",
            filters: [batches], payloads: true)
        let device = try await broker.subscriber(
            "panel-1", password: "p1", filters: [batchesTopic, batches])
        #expect(device.output.contains("135, 135"), "\(device.output)")
        await device.stop()

        // A device and a gateway publishing there directly are refused.
        try await acknowledge(broker, as: "panel-1", password: "p1", topic: batchesTopic)
        try await broker.publishAsGateway(batchesTopic, "\u{1}forged")
        try await acknowledge(broker, as: "panel-1", password: "p1")
        try await gathering.waitUntil("the real acknowledgement arrives") { !$0.isEmpty }
        #expect(gathering.receivedPayloads.count == 1)
        #expect(entries(gathering).map(\.topic) == ["\(root)/devices/panel-1/acks"])
    }

    @Test("A gateway that logs in again without asking gets the acknowledgements singly")
    func loginAgainWithoutAsking() async throws {
        let broker = try await PluginBroker()
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "p1")]))
        let asked = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "gateway-1",
            filters: [batches, "\(root)/devices/+/acks"], payloads: true)
        try await acknowledge(broker, as: "panel-1", password: "p1")
        try await asked.waitUntil("the first gets a batch") { $0 == [batchesTopic] }
        await asked.stop()

        let again = try await broker.subscriber(
            PluginBroker.gatewayName, password: broker.gatewayPassword, clientID: "gateway-1",
            filters: ["\(root)/devices/+/acks"])
        try await acknowledge(broker, as: "panel-1", password: "p1")
        try await again.waitUntil("the same client id, not asking, gets it singly") { !$0.isEmpty }
        #expect(again.receivedTopics == ["\(root)/devices/panel-1/acks"])
    }
}
