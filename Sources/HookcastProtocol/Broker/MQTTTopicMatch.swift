/// MQTT's topic matching (MQTT 5.0, 4.7), for the access policy; no wildcard matches a `$` topic from the top.
enum MQTTTopicMatch {
    /// Whether `filter` (with `+` and `#` wildcards) matches `topic`.
    static func filter(_ filter: String, matches topic: String) -> Bool {
        if topic.hasPrefix("$") != filter.hasPrefix("$") { return false }
        var topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)[...]
        for level in filter.split(separator: "/", omittingEmptySubsequences: false) {
            if level == "#" { return true }
            guard let next = topicLevels.popFirst() else { return false }
            if level != "+" && level != next { return false }
        }
        return topicLevels.isEmpty
    }
}
