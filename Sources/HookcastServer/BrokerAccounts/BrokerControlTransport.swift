import HookcastProtocol
import Mosquitto

/// One answer of the broker plugin: the correlation data it copied from the request, and the JSON body.
struct BrokerControlAnswer: Sendable {
    let correlationData: [UInt8]
    let payload: [UInt8]
}

/// How control requests reach the broker plugin and its answers come back: MQTT v5 request/response in the
/// gateway (`MQTTControlTransport`), an in-process fake in the unit tests.
protocol BrokerControlTransport: Sendable {
    /// Publishes one `BrokerControlRequest` (as JSON) with the answer's topic and `correlationData`.
    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws
    /// Hands every answer to `deliver`, until the transport closes.
    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async
}

/// The control channel over the gateway's own MQTT connection: requests to `BrokerControl.requestTopic`, answers on
/// a response topic of this gateway's own (`$CONTROL/hookcast/v1/response/<client id>`), so several gateways on
/// one broker never see each other's answers.
struct MQTTControlTransport: BrokerControlTransport {
    let client: MQTTClient
    let requestTopic: String
    let responseTopic: String
    private let responses: MQTTSubscription

    /// Subscribes at once, so it can be made before the client first connects. The topics are the plugin's; a
    /// test names topics of its own, since mosquitto hands `$CONTROL/` messages to plugins only.
    init(
        client: MQTTClient, requestTopic: String = BrokerControl.requestTopic,
        responseTopics: String = BrokerControl.responseTopic
    ) async throws {
        self.client = client
        self.requestTopic = requestTopic
        responseTopic = "\(responseTopics)/\(Self.topicLevel(client.configuration.clientID))"
        responses = try await client.subscribe(to: responseTopic)
    }

    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws {
        try await client.publish(
            to: requestTopic, payload: payload, qos: .atLeastOnce,
            properties: MQTTPublishProperties(
                correlationData: correlationData, responseTopic: responseTopic, contentType: "application/json"))
    }

    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async {
        for await message in responses {
            // An answer without correlation data belongs to no request.
            guard let correlationData = message.properties.correlationData else { continue }
            deliver(BrokerControlAnswer(correlationData: correlationData, payload: message.payload))
        }
    }

    /// A client id as one topic level: wildcards and separators (allowed in client ids) become `_`.
    static func topicLevel(_ clientID: String) -> String {
        let level = String(clientID.map { "+#/".contains($0) || $0.isNewline ? "_" : $0 })
        return level.isEmpty ? "_" : level
    }
}
