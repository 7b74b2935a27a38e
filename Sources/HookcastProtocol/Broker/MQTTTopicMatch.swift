/// MQTT's topic matching (MQTT 5.0, 4.7), for the access policy; no wildcard matches a `$` topic from the top.
///
/// Not the `Mosquitto` module's `TopicFilter`: the broker plugin links this module and must not link the client.
enum MQTTTopicMatch {
    /// A filter (with `+` and `#` wildcards), split into levels once.
    struct Filter: Sendable {
        let levels: [Substring]
        let startsWithDollar: Bool

        init(_ filter: String) {
            levels = filter.split(separator: "/", omittingEmptySubsequences: false)
            startsWithDollar = filter.hasPrefix("$")
        }

        func matches(_ topic: [Substring], startsWithDollar topicStartsWithDollar: Bool) -> Bool {
            if topicStartsWithDollar != startsWithDollar { return false }
            var remaining = topic[...]
            for level in levels {
                if level == "#" { return true }
                guard let next = remaining.popFirst() else { return false }
                if level != "+" && level != next { return false }
            }
            return remaining.isEmpty
        }
    }

    /// Whether any of `filters` matches `topic`; the topic is split once for all of them.
    static func any(_ filters: [Filter], matches topic: String) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let dollar = topic.hasPrefix("$")
        return filters.contains { $0.matches(levels, startsWithDollar: dollar) }
    }
}
