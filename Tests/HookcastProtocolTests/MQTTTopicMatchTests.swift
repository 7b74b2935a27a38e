import HookcastTestSupport
import Testing

@testable import HookcastProtocol

@Suite("MQTT topic matching for the access policy")
struct MQTTTopicMatchTests {
    /// The matching as MQTT 5.0 (4.7) states it, on split levels: what the byte-walking matcher must agree with.
    static func reference(_ filter: String, _ topic: String) -> Bool {
        if filter.hasPrefix("$") != topic.hasPrefix("$") { return false }
        var remaining = topic.split(separator: "/", omittingEmptySubsequences: false)[...]
        for level in filter.split(separator: "/", omittingEmptySubsequences: false) {
            if level == "#" { return true }
            guard let next = remaining.popFirst() else { return false }
            if level != "+" && level != next { return false }
        }
        return remaining.isEmpty
    }

    @Test("the cases MQTT 5.0 names, and empty levels")
    func namedCases() {
        let cases: [(String, String, Bool)] = [
            ("sport/#", "sport", true), ("sport/#", "sport/tennis/player1", true), ("sport/tennis/#", "sport", false),
            ("sport/+", "sport", false), ("sport/+", "sport/", true), ("+/+", "/finance", true),
            ("/+", "/finance", true),
            ("+", "/finance", false), ("#", "$SYS/x", false), ("+/monitor", "$SYS/monitor", false),
            ("$SYS/#", "$SYS/x", true), ("a/b", "a/bc", false), ("a/bc", "a/b", false), ("", "", true),
            ("a//b", "a//b", true), ("a/+/b", "a//b", true), ("a", "a/", false),
        ]
        for (filter, topic, expected) in cases {
            #expect(MQTTTopicMatch.any([.init(filter)], matches: topic) == expected, "\(filter) vs \(topic)")
            #expect(Self.reference(filter, topic) == expected, "reference: \(filter) vs \(topic)")
        }
    }

    @Test("agrees with the reference on 20,000 generated filters and topics")
    func agreesWithReference() async {
        var generator = SeededRandom(seed: 0x5eed)
        let topicLevels = ["", "a", "b", "ab", "$x", "hookcast", "v1"]
        let filterLevels = topicLevels + ["+", "+", "#"]
        func join(_ levels: [String], count: Int) -> String {
            (0..<count).map { _ in levels[Int(generator.next() % UInt64(levels.count))] }.joined(separator: "/")
        }
        for iteration in 0..<20_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            let filter = join(filterLevels, count: 1 + Int(generator.next() % 4))
            let topic = join(topicLevels, count: 1 + Int(generator.next() % 4))
            #expect(
                MQTTTopicMatch.any([.init(filter)], matches: topic) == Self.reference(filter, topic),
                "\(filter) vs \(topic)")
        }
    }
}
