import Testing

@testable import Mosquitto

@Suite("Topic names and filters, by the broker's rules")
struct TopicFilterTests {
    @Test(
        "filters match topics level by level, with + for one level and # for the rest",
        arguments: [
            ("devices/+/commands", "devices/d1/commands", true),
            ("devices/+/commands", "devices/d1/x/commands", false),
            ("devices/#", "devices/d1/x", true),
            ("devices/#", "devices", true),
            ("devices/d1", "devices/d2", false),
            ("#", "$SYS/broker/uptime", false),
            ("$share/workers/jobs/+", "jobs/7", true),
            ("$share/workers/jobs/+", "jobs/7/8", false),
        ])
    func matches(filter: String, topic: String, matches: Bool) {
        #expect(TopicFilter.matches(filter, topic: topic) == matches)
    }

    @Test(
        "a topic name is non-empty and has no wildcards or NUL",
        arguments: [("a/b", true), ("", false), ("a/+", false), ("a/#", false), ("a\u{0}b", false)])
    func topicNames(topic: String, valid: Bool) {
        #expect(TopicFilter.isValidTopicName(topic) == valid)
    }

    @Test(
        "a filter puts wildcards only where they stand for whole levels, # last",
        arguments: [("a/+/b", true), ("a/#", true), ("#", true), ("", false), ("a/#/b", false), ("a+", false)])
    func filters(filter: String, valid: Bool) {
        #expect(TopicFilter.isValidFilter(filter) == valid)
    }
}
