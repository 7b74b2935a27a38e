import HookcastProtocol

/// Where the plugin may answer: `BrokerControl.responseTopic` or a topic below it, the request's MQTT v5 response
/// topic. Anything else is refused, so a request cannot make the plugin publish to devices' topics.
public enum ControlResponseTopic {
    public static func isAllowed(_ topic: String) -> Bool {
        let base = BrokerControl.responseTopic
        guard topic.hasPrefix(base) else { return false }
        let rest = topic.utf8.dropFirst(base.utf8.count)
        if rest.isEmpty { return true }
        // Below it: a separator, then at least one more character; no wildcard (not a valid topic to publish to).
        return rest.first == UInt8(ascii: "/") && rest.count > 1
            && !rest.contains(UInt8(ascii: "+")) && !rest.contains(UInt8(ascii: "#")) && !rest.contains(0)
    }
}
