import CMosquitto

/// Topic and topic-filter rules, delegated to libmosquitto so they match the broker's exactly.
enum TopicFilter {
    /// Whether a message on `topic` belongs to a subscription to `filter` (shared subscriptions included).
    static func matches(_ filter: String, topic: String) -> Bool {
        matchesWithoutSharePrefix(withoutSharePrefix(filter), topic: topic)
    }

    /// `matches` for a filter whose share prefix was taken off already (`withoutSharePrefix`).
    static func matchesWithoutSharePrefix(_ filter: String, topic: String) -> Bool {
        var result = false
        guard mosquitto_topic_matches_sub(filter, topic, &result) == MOSQ_ERR_SUCCESS.rawValue else { return false }
        return result
    }

    static func isValidTopicName(_ topic: String) -> Bool {
        !topic.isEmpty && topic.utf8.count <= 65535 && !topic.utf8.contains(0)
            && mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS.rawValue
    }

    static func isValidFilter(_ filter: String) -> Bool {
        !filter.isEmpty && filter.utf8.count <= 65535 && !filter.utf8.contains(0)
            && mosquitto_sub_topic_check(filter) == MOSQ_ERR_SUCCESS.rawValue
    }

    /// `$share/{group}/{filter}` delivers messages whose topic matches `{filter}`.
    static func withoutSharePrefix(_ filter: String) -> String {
        guard filter.hasPrefix("$share/") else { return filter }
        let parts = filter.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : filter
    }
}
