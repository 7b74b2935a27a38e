import HookcastProtocol

/// Who published a message on the trigger topic, as the plugin attests it to the gateway: an MQTT trigger acts with
/// the API key of the integration account that sent it (docs/integrations.md), and only the broker knows which
/// account that was.
public enum TriggerAttribution: Sendable, Equatable {
    /// Not a trigger: the message passes untouched.
    case notATrigger
    /// A trigger of this integration account (its name, without `integration.`): the plugin appends the user
    /// property `IntegrationTrigger.attestationProperty` with it.
    case integration(String)
    /// A trigger nobody may have sent (the access check should have refused it): refused.
    case refused
}

extension BrokerAccessState {
    /// Whether a message on `topic` (the broker's NUL-terminated bytes) can be a trigger at all: it begins with
    /// `{prefix}/triggers/`. The broker asks about every message a client publishes (each acknowledgement of a
    /// broadcast, each config of an import), so this reads the bytes where they are and makes no string; only a
    /// message that passes goes on to `attributeTrigger`, whose answer for any other topic is `.notATrigger`.
    public func mayBeTrigger(topic: UnsafePointer<CChar>) -> Bool {
        CStringBytes.starts(topic, with: triggerTopicPrefix)
    }

    /// Attributes a message the broker accepted on `topic` from the client with `username` and `clientID`. A
    /// message from one of the broker's bridges (`plugin_opt_bridge_integrations`, by the bridge's local client
    /// id, which no login may use) is the trigger of the integration account that bridge stands for: a bridge's
    /// messages pass no access check and carry no user name of ours.
    public func attributeTrigger(username: String?, clientID: String?, topic: String) -> TriggerAttribution {
        guard let levels = TopicLevels(topic, under: policy.topics), levels.count == 2, levels[0] == "triggers"
        else { return .notATrigger }
        if let clientID, let account = bridges[clientID] { return .integration(account) }
        guard let username, username.hasPrefix(IntegrationTrigger.usernamePrefix), !isTaken(username) else {
            return .refused
        }
        let name = String(username.dropFirst(IntegrationTrigger.usernamePrefix.count))
        guard (try? MQTTAccountName(name)) != nil else { return .refused }
        return .integration(name)
    }
}
