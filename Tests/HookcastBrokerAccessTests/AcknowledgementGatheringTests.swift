import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Acknowledgements gathered for the gateways that ask")
struct AcknowledgementGatheringTests {
    let topics = try! Topics(prefix: "acme/signage/hookcast")

    func withholds(_ gathering: AcknowledgementGathering, _ topic: String, from client: String) -> Bool {
        topic.withCString { topic in client.withCString { gathering.withholds(topic: topic, from: $0) } }
    }

    func gather(_ gathering: inout AcknowledgementGathering, _ topic: String, _ payload: String) -> Bool {
        topic.withCString { topic in
            Array(payload.utf8).withUnsafeBytes { gathering.gather(topic: topic, payload: $0, traceparent: nil) }
        }
    }

    @Test("only a device's acknowledgement topic under the prefix is one")
    func acknowledgementTopics() {
        let gathering = AcknowledgementGathering(topics: topics)
        for topic in ["acme/signage/hookcast/devices/d1/acks", "acme/signage/hookcast/devices/lobby.screen-2/acks"] {
            #expect(topic.withCString { gathering.isAcknowledgement(topic: $0) }, "\(topic)")
        }
        for topic in [
            "acme/signage/hookcast/devices//acks", "acme/signage/hookcast/devices/acks",
            "acme/signage/hookcast/devices/d1/status", "acme/signage/hookcast/devices/a/b/acks",
            "hookcast/v1/devices/d1/acks", "acme/signage/hookcast/devices/d1/acks/x",
            "acme/signage/hookcast/groups/d1/acks", "", "acme/signage/hookcast/devices/d1/acksx",
        ] {
            #expect(!topic.withCString { gathering.isAcknowledgement(topic: $0) }, "\(topic)")
        }
    }

    @Test("the batches' topic is known, so that no client's message there passes")
    func batchesTopic() {
        let gathering = AcknowledgementGathering(topics: topics)
        #expect("acme/signage/hookcast/broker/acks".withCString { gathering.isBatches(topic: $0) })
        for topic in [
            "acme/signage/hookcast/broker/acks/x", "acme/signage/hookcast/broker/ack", "hookcast/v1/broker/acks",
        ] {
            #expect(!topic.withCString { gathering.isBatches(topic: $0) }, "\(topic)")
        }
    }

    @Test("a gateway that subscribed gets no single acknowledgement until it logs in again")
    func withheldUntilLogin() {
        var gathering = AcknowledgementGathering(topics: topics)
        let ack = "acme/signage/hookcast/devices/d1/acks"
        #expect(!gathering.isActive)
        #expect(!withholds(gathering, ack, from: "gateway-1"))
        "gateway-1".withCString { gathering.gatewaySubscribed(clientID: $0) }
        "gateway-1".withCString { gathering.gatewaySubscribed(clientID: $0) }
        #expect(gathering.gatewayClients.count == 1)
        #expect(gathering.isActive)
        #expect(withholds(gathering, ack, from: "gateway-1"))
        // Other clients (a second gateway that did not ask, an observer), other topics, ids that only share a
        // prefix: delivered as before.
        #expect(!withholds(gathering, ack, from: "gateway-2"))
        #expect(!withholds(gathering, ack, from: "gateway-"))
        #expect(!withholds(gathering, ack, from: "gateway-10"))
        #expect(!withholds(gathering, "acme/signage/hookcast/devices/d1/status", from: "gateway-1"))
        "gateway-2".withCString { gathering.clientLoggedIn(clientID: $0) }
        #expect(withholds(gathering, ack, from: "gateway-1"))
        "gateway-1".withCString { gathering.clientLoggedIn(clientID: $0) }
        #expect(!withholds(gathering, ack, from: "gateway-1"))
        #expect(!gathering.isActive)
    }

    @Test("what is gathered comes out as one batch, due early once it is large")
    func batches() {
        var gathering = AcknowledgementGathering(topics: topics)
        #expect(gathering.takeBatch() == nil)
        let ack = "acme/signage/hookcast/devices/d1/acks"
        #expect(!gather(&gathering, ack, #"{"v":1,"status":"ok"}"#))
        #expect(!gather(&gathering, "acme/signage/hookcast/devices/d2/acks", #"{"v":1}"#))
        let batch = gathering.takeBatch()
        #expect(gathering.takeBatch() == nil)
        var read: [GatheredAcknowledgements.Entry] = []
        #expect(GatheredAcknowledgements.read(batch ?? []) { read.append($0) })
        #expect(read.map(\.topic) == [ack, "acme/signage/hookcast/devices/d2/acks"])
        #expect(read.map { String(decoding: $0.payload, as: UTF8.self) } == [#"{"v":1,"status":"ok"}"#, #"{"v":1}"#])

        let large = String(repeating: "x", count: 16 * 1024)
        var due = 0
        for _ in 0..<4 where gather(&gathering, ack, large) { due += 1 }
        #expect(due == 1)
        #expect((gathering.takeBatch()?.count ?? 0) >= GatheredAcknowledgements.publishSize)
    }
}
