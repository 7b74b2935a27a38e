import Testing

@testable import Mosquitto

/// The collector behind `MQTTClient.retainedMessages`, fed as the network thread would feed it.
@Suite("Retained message collector")
struct RetainedMessageCollectorTests {
    private static func message(_ topic: String, _ payload: String, retain: Bool = true) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: .atMostOnce, retain: retain)
    }

    @Test func theRetainedMessagesBeforeTheMarkerAreTheAnswer() async {
        let collector = RetainedMessageCollector()
        collector.takeRetained(Self.message("a/1", "one"))
        collector.takeRetained(Self.message("a/2", "live", retain: false))
        collector.takeRetained(Self.message("a/1", "one again"))
        collector.takeMarker(Self.message("marker", ""))
        collector.takeRetained(Self.message("a/3", "after the marker"))
        let held = await collector.messages(within: .seconds(600))
        #expect(held == ["a/1": Array("one again".utf8)])
    }

    @Test func noMarkerWithinTheTimeIsNoAnswer() async {
        let collector = RetainedMessageCollector()
        collector.takeRetained(Self.message("a/1", "one"))
        #expect(await collector.messages(within: .milliseconds(50)) == nil)
    }
}
