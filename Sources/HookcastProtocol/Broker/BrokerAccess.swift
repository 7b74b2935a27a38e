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
    public func device(
        _ id: DeviceID, isMember: (Substring) -> Bool, hasTag: (Substring) -> Bool = { _ in false },
        may access: BrokerAccess, topic: String
    ) -> Bool {
        switch access {
        case .unsubscribe:
            return true
        case .publish:
            guard let levels = TopicLevels(topic, under: topics), levels.count == 3, levels[0] == "devices",
                levels[1] == id.rawValue[...]
            else { return false }
            return levels[2] == "acks" || levels[2] == "status"
        case .receive, .subscribe:
            guard let levels = TopicLevels(topic, under: topics) else { return false }
            switch (levels.count, levels[0]) {
            case (2, "all"): return levels[1] == "commands"
            case (3, "devices"):
                return levels[1] == id.rawValue[...] && (levels[2] == "commands" || levels[2] == "config")
            case (3, "groups"): return levels[2] == "commands" && isMember(levels[1])
            case (3, "tags"): return levels[2] == "commands" && hasTag(levels[1])
            case (3, "state"): return levels[1] == "emergency" && levels[2] == "all"
            case (4, "state"):
                guard levels[1] == "emergency" else { return false }
                switch levels[2] {
                case "devices": return levels[3] == id.rawValue[...]
                case "groups": return isMember(levels[3])
                default: return false
                }
            default: return false
            }
        }
    }

    /// Whether the gateway's account may do `access` on `topic`: it sends commands, configs, emergency states and
    /// answers to MQTT triggers, reads acknowledgements and triggers (also through shared subscriptions), presence
    /// and the retained configs (read back after a reconnect, ended by a marker on its `sync` topics), and uses
    /// Hookcast's control topics, and reads the acknowledgements the plugin gathers (`GatheredAcknowledgements`).
    public func gateway(may access: BrokerAccess, topic: String) -> Bool {
        switch access {
        case .unsubscribe: true
        case .publish: MQTTTopicMatch.any(gatewayFilters.publish, matches: topic)
        case .receive: MQTTTopicMatch.any(gatewayFilters.receive, matches: topic)
        // A filter is allowed when one of these patterns matches it as if it were a topic: `+` in the filter only
        // matches a `+` of the pattern, so no filter reaches further than the pattern.
        case .subscribe: MQTTTopicMatch.any(gatewayFilters.subscribe, matches: topic)
        }
    }
}

/// The gateway's patterns under the running prefix, split once: the broker asks for every acknowledgement it
/// delivers to the gateway.
struct GatewayFilters: Sendable {
    let publish: [MQTTTopicMatch.Filter]
    let receive: [MQTTTopicMatch.Filter]
    let subscribe: [MQTTTopicMatch.Filter]

    init(_ topics: Topics) {
        let root = topics.root
        publish = [
            "\(root)/devices/+/commands", "\(root)/devices/+/config", "\(root)/groups/+/commands",
            "\(root)/tags/+/commands",
            "\(root)/all/commands", "\(root)/state/#", "\(root)/answers/#", "\(root)/sync/+",
            BrokerControl.requestTopic,
        ].map(MQTTTopicMatch.Filter.init)
        receive = [
            "\(root)/devices/+/acks", "\(root)/devices/+/status", "\(root)/devices/+/config", "\(root)/triggers/+",
            "\(root)/sync/+", "\(BrokerControl.responseTopic)/#", topics.gatheredAcknowledgements,
        ].map(MQTTTopicMatch.Filter.init)
        subscribe = [
            "\(root)/devices/+/acks", "\(root)/devices/+/status", "$share/+/\(root)/devices/+/acks",
            "\(root)/devices/+/config", "\(root)/triggers/+", "$share/+/\(root)/triggers/+", "\(root)/sync/+",
            "\(BrokerControl.responseTopic)/#", topics.gatheredAcknowledgements,
            "$share/+/\(topics.gatheredAcknowledgements)",
        ].map(MQTTTopicMatch.Filter.init)
    }
}

/// The levels of a topic below the prefix, as slices of it, kept inline (the broker asks for every delivery, so
/// this allocates nothing); nil for a topic outside the prefix, or one of fewer than two or more than four levels
/// below it. `levels[0]` is the kind of topic: `devices`, `groups`, `tags`, `all`, `state`.
public struct TopicLevels {
    private var levels = InlineArray<4, Substring>(repeating: "")
    public private(set) var count = 0

    public init?(_ topic: String, under topics: Topics) {
        guard let below = topics.relative(topic) else { return nil }
        let bytes = below.utf8
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "/") {
                guard count < 3 else { return nil }
                levels[count] = below[start..<index]
                count += 1
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        levels[count] = below[start...]
        count += 1
        guard count >= 2 else { return nil }
    }

    public subscript(index: Int) -> Substring { levels[index] }
}
