import HookcastProtocol
import Mosquitto

/// A trigger an integration account published on `{prefix}/triggers/{event_id}` (docs/integrations.md), as the
/// gateway reads it: the account the broker plugin attested, and what the message says. Pure, so every refusal is
/// tested without a broker.
struct MQTTTrigger: Sendable, Equatable {
    /// The integration account's name (its user name without `integration.`).
    var account: String
    /// The topic's last level, as sent.
    var eventID: String
    var payload: [UInt8]
    var contentType: String?
    var responseTopic: String?
    var correlationData: [UInt8]?
    /// The user properties that stand for the webhook's headers (names compared without regard to case, as HTTP
    /// compares header names); the first of each counts.
    var idempotencyKey: String?
    var wait: String?
    /// Every `traceparent` and `tracestate` user property, for `TraceContext.read` (which refuses several).
    var traceparents: [String]
    var tracestates: [String]

    /// Nil when the message is no attested trigger: another topic, or no account named by the plugin (a broker
    /// without Hookcast's plugin, which then must not be trusted with triggers at all).
    init?(_ message: MQTTMessage, topics: Topics) {
        guard let levels = TopicLevels(message.topic, under: topics), levels.count == 2, levels[0] == "triggers",
            // The plugin appends its property after any the client sent: the last one is the broker's word.
            let account = message.properties.userProperties.last(where: {
                $0.name == IntegrationTrigger.attestationProperty
            })?.value
        else { return nil }
        self.account = account
        eventID = String(levels[1])
        payload = message.payload
        contentType = message.properties.contentType
        responseTopic = message.properties.responseTopic
        correlationData = message.properties.correlationData
        func first(_ name: String) -> String? {
            message.properties.userProperties.first { $0.name.lowercased() == name }?.value
        }
        idempotencyKey = first("idempotency-key")
        wait = first("wait")
        let properties = message.properties.userProperties
        traceparents = properties.filter { $0.name == TraceContext.traceparentName }.map(\.value)
        tracestates = properties.filter { $0.name == TraceContext.tracestateName }.map(\.value)
    }

    /// Where this account's answers go: its own topic, or the response topic it named below it. Nil when it named
    /// one anywhere else: the gateway may publish where no integration may, so it never answers there.
    func answerTopic(topics: Topics) -> String? {
        let own = Self.answers(of: account, topics: topics)
        guard let responseTopic else { return own }
        let isOwn =
            responseTopic == own
            || (responseTopic.utf8.starts(with: (own + "/").utf8) && responseTopic.utf8.count > own.utf8.count + 1)
        guard isOwn, !responseTopic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
        else { return nil }
        return responseTopic
    }

    /// `{prefix}/answers/{account}`: the topic, and the tree below it, that only this account may read.
    static func answers(of account: String, topics: Topics) -> String { "\(topics.root)/answers/\(account)" }
}
