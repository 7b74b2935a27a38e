/// MQTT's topic matching (MQTT 5.0, 4.7), for the access policy; no wildcard matches a `$` topic from the top.
///
/// Not the `Mosquitto` module's `TopicFilter`: the broker plugin links this module and must not link the client.
enum MQTTTopicMatch {
    /// A filter (with `+` and `#` wildcards), split into levels once, as bytes.
    struct Filter: Sendable {
        private enum Level: Sendable, Equatable {
            case exactly([UInt8])
            case anyOne
            case allBelow
        }

        private let levels: [Level]
        private let startsWithDollar: Bool

        init(_ filter: String) {
            levels = filter.split(separator: "/", omittingEmptySubsequences: false).map { level in
                switch level {
                case "+": .anyOne
                case "#": .allBelow
                default: .exactly(Array(level.utf8))
                }
            }
            startsWithDollar = filter.hasPrefix("$")
        }

        /// Walks the topic's levels in place: the broker asks for every message it delivers to the gateway (a
        /// broadcast's every acknowledgement, an import's every config), and splitting the topic into an array of
        /// substrings was most of an access check's cost (perf on the broker during an import).
        func matches(_ topic: UnsafeBufferPointer<UInt8>) -> Bool {
            let slash = UInt8(ascii: "/")
            if (topic.first == UInt8(ascii: "$")) != startsWithDollar { return false }
            var start = 0
            var exhausted = false
            for level in levels {
                if level == .allBelow { return true }
                if exhausted { return false }
                var end = start
                while end < topic.count && topic[end] != slash { end += 1 }
                if case .exactly(let bytes) = level {
                    guard bytes.count == end - start else { return false }
                    for offset in 0..<bytes.count where bytes[offset] != topic[start + offset] { return false }
                }
                if end == topic.count { exhausted = true } else { start = end + 1 }
            }
            return exhausted
        }
    }

    /// Whether any of `filters` matches `topic`.
    static func any(_ filters: [Filter], matches topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { bytes in filters.contains { $0.matches(bytes) } }
    }
}
