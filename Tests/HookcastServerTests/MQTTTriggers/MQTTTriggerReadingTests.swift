import HookcastProtocol
import Mosquitto
import Testing

@testable import HookcastServer

@Suite("MQTT triggers as the gateway reads them")
struct MQTTTriggerReadingTests {
    let topics = try! Topics(prefix: "acme/signage/hookcast")

    func message(
        _ topic: String, properties: [MQTTUserProperty], responseTopic: String? = nil
    ) -> MQTTMessage {
        MQTTMessage(
            topic: topic, payload: Array(#"{"event_id":"fire"}"#.utf8), qos: .atLeastOnce, retain: false,
            properties: MQTTPublishProperties(
                correlationData: [1, 2], responseTopic: responseTopic, userProperties: properties))
    }

    @Test("the account is the last attestation: one the client sent first cannot pass for another account")
    func lastAttestationCounts() throws {
        let trigger = try #require(
            MQTTTrigger(
                message(
                    "acme/signage/hookcast/triggers/fire",
                    properties: [
                        MQTTUserProperty("hookcast-integration", "someone-else"),
                        MQTTUserProperty("Idempotency-Key", "k1"), MQTTUserProperty("wait", "5"),
                        MQTTUserProperty("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                        MQTTUserProperty("hookcast-integration", "crm"),
                    ]), topics: topics))
        #expect(trigger.account == "crm")
        #expect(trigger.eventID == "fire")
        #expect(trigger.idempotencyKey == "k1" && trigger.wait == "5")
        #expect(trigger.traceparents == ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])
        #expect(trigger.tracestates.isEmpty)
        #expect(trigger.correlationData == [1, 2])
    }

    @Test("no attestation, another prefix, or another shape: not a trigger")
    func notTriggers() {
        let attested = [MQTTUserProperty("hookcast-integration", "crm")]
        #expect(MQTTTrigger(message("acme/signage/hookcast/triggers/fire", properties: []), topics: topics) == nil)
        #expect(MQTTTrigger(message("hookcast/v1/triggers/fire", properties: attested), topics: topics) == nil)
        #expect(MQTTTrigger(message("acme/signage/hookcast/triggers/a/b", properties: attested), topics: topics) == nil)
        #expect(
            MQTTTrigger(message("acme/signage/hookcast/devices/d1/acks", properties: attested), topics: topics) == nil)
    }

    @Test("answers go to the account's own topic or below it, never anywhere else")
    func answerTopics() throws {
        let attested = [MQTTUserProperty("hookcast-integration", "crm")]
        func answerTopic(_ responseTopic: String?) throws -> String? {
            try #require(
                MQTTTrigger(
                    message("acme/signage/hookcast/triggers/fire", properties: attested, responseTopic: responseTopic),
                    topics: topics)
            ).answerTopic(topics: topics)
        }
        let own = "acme/signage/hookcast/answers/crm"
        #expect(try answerTopic(nil) == own)
        #expect(try answerTopic(own) == own)
        #expect(try answerTopic(own + "/r/42") == own + "/r/42")
        for refused in [
            own + "x", own + "/", "acme/signage/hookcast/answers/other/x", "acme/signage/hookcast/devices/d1/commands",
            own + "/+", own + "/#", "hookcast/v1/answers/crm",
        ] {
            #expect(try answerTopic(refused) == nil, "\(refused)")
        }
    }
}
