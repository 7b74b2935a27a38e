import Mosquitto

/// What the gateway's HTTP paths need of the broker: the connection's state, and a publish that returns once the
/// broker acknowledged it. `MQTTClientPublisher` is the real one; the HTTP contract tests run the gateway in process
/// on a recording fake instead, with no broker at all.
protocol BrokerPublishing: Sendable {
    /// The connection's state now.
    var state: MQTTConnectionState { get }

    /// Publishes a message; for QoS 1 and 2 it returns once the broker acknowledged, with the PUBACK's reason code
    /// (`noMatchingSubscribers` is a success). A refusal or a lost connection throws.
    @discardableResult
    func publish(
        to topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTPublishProperties
    ) async throws -> MQTTReasonCode

    /// What the broker retains under `filter`, by topic (`MQTTClient.retainedMessages`); nil when it cannot be read.
    func retainedMessages(under filter: String, markerTopic: String, timeout: Duration) async -> [String: [UInt8]]?
}

extension BrokerPublishing {
    /// A broker whose retained messages cannot be read back: whoever asks publishes everything again.
    func retainedMessages(under filter: String, markerTopic: String, timeout: Duration) async -> [String: [UInt8]]? {
        nil
    }
}

/// Publishes through the gateway's one `MQTTClient`, call for call: no queue or task of its own, so the webhook
/// path is exactly as fast as the client.
struct MQTTClientPublisher: BrokerPublishing {
    let client: MQTTClient

    var state: MQTTConnectionState { client.state }

    @discardableResult
    func publish(
        to topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTPublishProperties
    ) async throws -> MQTTReasonCode {
        try await client.publish(to: topic, payload: payload, qos: qos, retain: retain, properties: properties)
            .reasonCode
    }

    func retainedMessages(under filter: String, markerTopic: String, timeout: Duration) async -> [String: [UInt8]]? {
        await client.retainedMessages(under: filter, markerTopic: markerTopic, timeout: timeout)
    }
}
