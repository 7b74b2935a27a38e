import HookcastTestSupport
import Testing

@testable import Mosquitto

@Suite("Publish and subscribe round trips against a real broker")
struct RoundTripTests {
    @Test(
        "QoS 0 and QoS 1 messages arrive with their topic, payload and QoS",
        arguments: [MQTTQoS.atMostOnce, .atLeastOnce])
    func roundTrip(qos: MQTTQoS) async throws {
        let client = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await client.subscribe(to: topic, qos: qos)
        let result = try await client.publish(to: topic, payload: Array("hello \(qos)".utf8), qos: qos)
        #expect(result.reasonCode == .success)
        let messages = try await subscription.collect(1)
        #expect(messages.first?.topic == topic)
        #expect(messages.first?.payloadString == "hello \(qos)")
        #expect(messages.first?.qos == qos)
        #expect(messages.first?.retain == false)
        await client.disconnect()
    }

    @Test("MQTT v5 properties arrive intact")
    func propertiesArriveIntact() async throws {
        let client = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await client.subscribe(to: topic)
        let properties = MQTTPublishProperties(
            messageExpiryInterval: 120,
            correlationData: [0, 1, 2, 255, 0, 42],
            responseTopic: "hookcast/v1/devices/d1/acks",
            contentType: "application/json",
            userProperties: [MQTTUserProperty("a", "1"), MQTTUserProperty("a", "2"), MQTTUserProperty("ü", "ß")]
        )
        try await client.publish(to: topic, payload: Array("{}".utf8), properties: properties)
        let received = try #require(try await subscription.collect(1).first)
        #expect(received.properties.correlationData == properties.correlationData)
        #expect(received.properties.responseTopic == properties.responseTopic)
        #expect(received.properties.contentType == properties.contentType)
        #expect(received.properties.userProperties == properties.userProperties)
        // The broker counts the expiry down by the time the message waited, so it can only shrink.
        let expiry = try #require(received.properties.messageExpiryInterval)
        #expect((118...120).contains(expiry))
        await client.disconnect()
    }

    @Test("A live retained message keeps its retain flag only for a subscription that asked for it as published")
    func retainAsPublished() async throws {
        let client = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let plain = try await client.subscribe(to: topic + "/plain")
        let asPublished = try await client.subscribe(
            to: topic + "/as-published", options: MQTTSubscriptionOptions(retainAsPublished: true))
        try await client.publish(to: topic + "/plain", payload: Array("p".utf8), retain: true)
        try await client.publish(to: topic + "/as-published", payload: Array("a".utf8), retain: true)
        #expect(try await plain.collect(1).first?.retain == false)
        #expect(try await asPublished.collect(1).first?.retain == true)
        try await client.publish(to: topic + "/plain", payload: [], retain: true)
        try await client.publish(to: topic + "/as-published", payload: [], retain: true)
        await client.disconnect()
    }

    @Test("A retained message reaches a subscriber that arrives later, flagged as retained")
    func retainedMessage() async throws {
        let publisher = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        try await publisher.publish(to: topic, payload: Array("latched".utf8), retain: true)
        let subscriber = try await ClientFactory.connected()
        let messages = try await subscriber.subscribe(to: topic).collect(1)
        #expect(messages.first?.payloadString == "latched")
        #expect(messages.first?.retain == true)
        // An empty retained message clears it, so the broker's database does not keep test topics.
        try await publisher.publish(to: topic, payload: [], retain: true)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("Publishing where nobody subscribes reports reason code 16 and succeeds")
    func noMatchingSubscribers() async throws {
        let client = try await ClientFactory.connected()
        let result = try await client.publish(to: ClientFactory.uniqueTopic(), payload: [1])
        #expect(result.reasonCode == .noMatchingSubscribers)
        #expect(result.hadNoMatchingSubscribers)
        await client.disconnect()
    }

    @Test("Wildcard and shared subscriptions receive matching topics only")
    func wildcardAndSharedSubscriptions() async throws {
        let client = try await ClientFactory.connected()
        let base = ClientFactory.uniqueTopic()
        let wildcard = try await client.subscribe(to: "\(base)/+/acks")
        let shared = try await client.subscribe(to: "$share/gateways/\(base)/#")
        try await client.publish(to: "\(base)/d1/status", payload: Array("status".utf8))
        try await client.publish(to: "\(base)/d1/acks", payload: Array("ack".utf8))
        #expect(try await wildcard.collect(1).map(\.payloadString) == ["ack"])
        #expect(try await shared.collect(2).map(\.payloadString).sorted() == ["ack", "status"])
        await client.disconnect()
    }

    @Test("After unsubscribing, the stream ends and nothing more is delivered")
    func unsubscribeEndsStream() async throws {
        let client = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await client.subscribe(to: topic)
        try await client.unsubscribe(from: topic)
        let result = try await client.publish(to: topic, payload: [1])
        #expect(result.reasonCode == .noMatchingSubscribers)
        #expect(await subscription.messages(arrivingWithin: .milliseconds(500)).isEmpty)
        await client.disconnect()
    }

    @Test("Topics with wildcards or NUL are refused before anything is sent")
    func invalidTopicsAreRefused() async throws {
        let client = try await ClientFactory.connected()
        for topic in ["", "a/+/b", "a/#", "a\u{0}b"] {
            await #expect(throws: MQTTError.invalidTopic(topic)) {
                try await client.publish(to: topic, payload: [])
            }
        }
        await #expect(throws: MQTTError.invalidTopicFilter("a/#/b")) {
            _ = try await client.subscribe(to: "a/#/b")
        }
        await client.disconnect()
    }
}
