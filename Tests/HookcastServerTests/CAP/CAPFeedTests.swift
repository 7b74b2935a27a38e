import Foundation
import HookcastTestSupport
import Testing

/// CAP feeds polled over real HTTP from a feed server in this process: linked and inline alerts, acted on once,
/// conditional requests, a Cancel that arrives later, and feeds that fail. In process, memory store.
@Suite("CAP feeds")
struct CAPFeedTests {
    @Test(
        "An Atom feed's linked and inline alerts are acted on once; unchanged, it costs a 304; a later Cancel ends one")
    func atomFeed() async throws {
        try await CAPFeedServer.with { server in
            let quake = CAPTestAlert(identifier: "F-quake")
            let storm = CAPTestAlert(identifier: "F-storm", severity: "Moderate", headline: "Storm")
            server.serve(alert: quake.xml, as: "quake.xml")
            server.publish([("quake", "alerts/quake.xml", nil), ("storm", nil, storm.xml)])
            try await InProcessGateway.runAndInspect { parts in
                let gateway = parts.client
                #expect(try await gateway.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
                // An interval of a day: only the first poll (at once) and the explicit ones below happen.
                let created = try await gateway.admin(
                    .post, "cap/feeds", #"{"id":"city","url":"\#(server.feedURL)","interval_seconds":86400}"#)
                #expect(created.status == .created, "\(created.text)")
                let first = try await Self.waitForPoll(gateway, "city")
                #expect(first["last_status"] == .number(200), "\(first.text)")
                #expect(first["alerts_received"] == .number(2), "\(first.text)")
                #expect(first["last_error"] == .null)
                let alerts = try await gateway.admin(.get, "cap/alerts")["items"]?.arrayValue ?? []
                #expect(Set(alerts.compactMap { $0.field("identifier")?.stringValue }) == ["F-quake", "F-storm"])
                #expect(alerts.allSatisfy { $0.field("feed_url") == .string(server.feedURL) })
                let commandsBefore = try await parts.store.commands.count()
                #expect(commandsBefore == 2)

                let again = try await gateway.admin(.post, "cap/feeds/city/poll")
                #expect(again["last_status"] == .number(304), "\(again.text)")
                #expect(server.notModified == 1)
                let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
                #expect(samples[#"hookcast_cap_feed_polls_total{outcome="changed"}"#] == 1)
                #expect(samples[#"hookcast_cap_feed_polls_total{outcome="unchanged"}"#] == 1)
                #expect(try await parts.store.commands.count() == commandsBefore)

                let cancel = quake.followedBy("Cancel") { $0.identifier = "F-quake-cancel" }
                server.publish([
                    ("quake", "alerts/quake.xml", nil), ("storm", nil, storm.xml), ("cancel", nil, cancel.xml),
                ])
                let third = try await gateway.admin(.post, "cap/feeds/city/poll")
                #expect(third["last_status"] == .number(200))
                #expect(third["alerts_received"] == .number(3), "\(third.text)")
                let cancelled = try await gateway.admin(.get, "cap/alerts")["items"]?.arrayValue?.first {
                    $0.field("identifier") == .string("F-quake")
                }
                #expect(cancelled?.field("state") == .string("cancelled"))
            }
        }
    }

    @Test("A failing feed says why in last_error and stores nothing; a direct alert URL works as a feed")
    func failingFeeds() async throws {
        try await CAPFeedServer.with { server in
            try await InProcessGateway.runAndInspect { parts in
                let gateway = parts.client
                #expect(try await gateway.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
                server.answerFeed(500, body: "oops")
                _ = try await gateway.admin(
                    .post, "cap/feeds", #"{"id":"broken","url":"\#(server.feedURL)","interval_seconds":86400}"#)
                let failed = try await Self.waitForPoll(gateway, "broken")
                #expect(failed["last_error"] == .string("The feed answered HTTP 500."), "\(failed.text)")

                server.answerFeed(200, body: #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><feed/>"#)
                let hostile = try await gateway.admin(.post, "cap/feeds/broken/poll")
                #expect(hostile["last_error"]?.stringValue?.contains("DOCTYPE") == true, "\(hostile.text)")

                server.publish([("missing", "alerts/nothing-here.xml", nil)])
                let missing = try await gateway.admin(.post, "cap/feeds/broken/poll")
                #expect(missing["last_error"]?.stringValue?.contains("HTTP 404") == true, "\(missing.text)")
                #expect(try await parts.store.capAlerts.page(before: nil, limit: 10).isEmpty)

                server.serve(alert: CAPTestAlert(identifier: "direct").xml, as: "direct.xml")
                _ = try await gateway.admin(
                    .post, "cap/feeds",
                    #"{"id":"direct","url":"\#(server.alertURL("direct.xml"))","interval_seconds":86400}"#)
                let direct = try await Self.waitForPoll(gateway, "direct")
                #expect(direct["alerts_received"] == .number(1), "\(direct.text)")
            }
        }
    }

    @Test("Feeds: a URL that is not http(s), an interval out of range, an unknown id: 422, 422, 404")
    func badFeeds() async throws {
        try await InProcessGateway.run { gateway in
            for (body, code) in [
                (#"{"id":"f","url":"file:///etc/passwd"}"#, "invalid_url"),
                (#"{"id":"f","url":"https://user:pw@example.org/feed"}"#, "invalid_url"),
                (#"{"id":"f","url":"https://example.org/feed","interval_seconds":1}"#, "invalid_interval_seconds"),
            ] {
                let answer = try await gateway.admin(.post, "cap/feeds", body)
                #expect(answer.status == .unprocessableContent, "\(body): \(answer.text)")
                #expect(answer.string("error") == code)
            }
            #expect(try await gateway.admin(.post, "cap/feeds/nope/poll").status == .notFound)
        }
    }

    /// Waits until the poller has polled the feed once.
    static func waitForPoll(_ gateway: GatewayClient, _ id: String) async throws -> HTTPResult {
        try await withTimeout(.seconds(20), "feed \(id) polled") {
            while true {
                let feed = try await gateway.admin(.get, "cap/feeds/\(id)")
                if feed["last_polled_at"] != .null, feed["last_polled_at"] != nil { return feed }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
