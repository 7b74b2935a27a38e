/// What a client asks the broker to do with a topic; the question of mosquitto's ACL check.
public enum BrokerAccess: Sendable, Hashable, CaseIterable {
    /// The client publishes to the topic.
    case publish
    /// The broker delivers a message on the topic to the client (asked for every delivery).
    case receive
    /// The client subscribes with the topic as its filter.
    case subscribe
    /// The client unsubscribes; always allowed, as it can only take access away.
    case unsubscribe
}

extension BrokerAccessPolicy {
    /// Whether device `id`, a member of the groups `isMember` accepts and with the tags (topic levels) `hasTag`
    /// accepts, may do `access` on `topic`.
    ///
    /// A device reads only what is addressed to it (its own topics, its groups' and tags', the broadcast) and writes only its
    /// own acknowledgements and presence. Topics are compared level by level with the device's own identifiers, so
    /// a filter with `+` or `#` never matches (neither is a valid identifier character) and nothing is allocated:
    /// the broker asks this for every message it delivers.
    public static func device(
        _ id: DeviceID, isMember: (Substring) -> Bool, hasTag: (Substring) -> Bool = { _ in false },
        may access: BrokerAccess, topic: String
    ) -> Bool {
        switch access {
        case .unsubscribe:
            return true
        case .publish:
            guard let levels = DeviceTopicLevels(topic), levels.count == 5, levels[2] == "devices",
                levels[3] == id.rawValue[...]
            else { return false }
            return levels[4] == "acks" || levels[4] == "status"
        case .receive, .subscribe:
            guard let levels = DeviceTopicLevels(topic) else { return false }
            switch (levels.count, levels[2]) {
            case (4, "all"): return levels[3] == "commands"
            case (5, "devices"):
                return levels[3] == id.rawValue[...] && (levels[4] == "commands" || levels[4] == "config")
            case (5, "groups"): return levels[4] == "commands" && isMember(levels[3])
            case (5, "tags"): return levels[4] == "commands" && hasTag(levels[3])
            case (5, "state"): return levels[3] == "emergency" && levels[4] == "all"
            case (6, "state"):
                guard levels[3] == "emergency" else { return false }
                switch levels[4] {
                case "devices": return levels[5] == id.rawValue[...]
                case "groups": return isMember(levels[5])
                default: return false
                }
            default: return false
            }
        }
    }

    /// Whether the gateway's account may do `access` on `topic`: it sends commands, configs and emergency states,
    /// reads acknowledgements (also through a shared subscription) and presence, and uses Hookcast's control topics.
    public static func gateway(may access: BrokerAccess, topic: String) -> Bool {
        switch access {
        case .unsubscribe: true
        case .publish: MQTTTopicMatch.any(GatewayFilters.publish, matches: topic)
        case .receive: MQTTTopicMatch.any(GatewayFilters.receive, matches: topic)
        // A filter is allowed when one of these patterns matches it as if it were a topic: `+` in the filter only
        // matches a `+` of the pattern, so no filter reaches further than the pattern.
        case .subscribe: MQTTTopicMatch.any(GatewayFilters.subscribe, matches: topic)
        }
    }
}

/// The gateway's patterns, split once: the broker asks for every acknowledgement it delivers to the gateway.
private enum GatewayFilters {
    static let root = Topics.root
    static let publish = [
        "\(root)/devices/+/commands", "\(root)/devices/+/config", "\(root)/groups/+/commands",
        "\(root)/tags/+/commands",
        "\(root)/all/commands", "\(root)/state/#", BrokerControl.requestTopic,
    ].map(MQTTTopicMatch.Filter.init)
    static let receive = ["\(root)/devices/+/acks", "\(root)/devices/+/status", "\(BrokerControl.responseTopic)/#"]
        .map(MQTTTopicMatch.Filter.init)
    static let subscribe = [
        "\(root)/devices/+/acks", "\(root)/devices/+/status", "$share/+/\(root)/devices/+/acks",
        "\(BrokerControl.responseTopic)/#",
    ].map(MQTTTopicMatch.Filter.init)
}

/// The levels of a topic under `hookcast/v1/`, as slices of it, kept inline (the broker asks for every delivery,
/// so this allocates nothing); nil for any other topic, or one of fewer than four or more than six levels.
struct DeviceTopicLevels {
    private var levels = InlineArray<6, Substring>(repeating: "")
    private(set) var count = 0

    init?(_ topic: String) {
        let bytes = topic.utf8
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "/") {
                guard count < 5 else { return nil }
                levels[count] = topic[start..<index]
                count += 1
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        levels[count] = topic[start...]
        count += 1
        guard count >= 4, levels[0] == "hookcast", levels[1] == "v1" else { return nil }
    }

    subscript(index: Int) -> Substring { levels[index] }
}
