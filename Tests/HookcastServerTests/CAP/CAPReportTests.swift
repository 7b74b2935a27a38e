import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Signed delivery reports of CAP alerts, end to end: a real broker, reference agents, and receivers that verify
/// each signature. One report per rule with a callback (its commands) and one to the posting key's (all of them).
@Suite("CAP alerts report back")
struct CAPReportTests {
    @Test("An alert's rule and key callbacks each get one signed report once the screens answered")
    func alertReports() async throws {
        let id = "cap-report-\(UUID().uuidString.prefix(6).lowercased())"
        let broker = try await TestBroker()
        try await CallbackReceiver.with { ruleReceiver in
            try await CallbackReceiver.with { keyReceiver in
                try await GatewayHarness.run(
                    mqttPort: broker.port, configure: { CallbackEndToEndTests.fastRetries(&$0) }
                ) { gateway in
                    _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
                    let rule = try await gateway.admin(
                        .post, "cap/rules",
                        #"{"id":"quakes","match":{"events":["Earthquake"]},"target":{"kind":"device","id":"\#(id)"},"callback_url":"\#(ruleReceiver.url)"}"#
                    )
                    #expect(rule.status == .created, "\(rule.text)")
                    ruleReceiver.use(secret: try #require(rule.string("callback_secret")))
                    let listed = try await gateway.admin(.get, "cap/rules/quakes")
                    #expect(listed.string("callback_url") == ruleReceiver.url)
                    #expect(listed["callback_secret"] == nil, "shown once, never again")

                    let key = try await gateway.admin(
                        .post, "keys", #"{"name":"warnings","callback_url":"\#(keyReceiver.url)"}"#)
                    keyReceiver.use(secret: try #require(key.string("callback_secret")))
                    let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)

                    let alert = CAPTestAlert(identifier: "R-\(UUID().uuidString.prefix(6))")
                    let answer = try await gateway.postCAP(key: try #require(key.string("key")), alert.xml)
                    #expect(answer.status == .ok, "\(answer.text)")
                    let alertID = try #require(answer["alert"]?.field("id")?.stringValue)

                    try await ruleReceiver.waitUntil("the rule's report") { $0.accepted.count == 1 }
                    try await keyReceiver.waitUntil("the key's report") { $0.accepted.count == 1 }
                    for (receiver, rule) in [(ruleReceiver, JSONValue.string("quakes")), (keyReceiver, nil)] {
                        let report = try #require(receiver.accepted.values.first?.first?.json)
                        #expect(report.field("complete") == .bool(true), "\(report)")
                        #expect(report.field("totals")?.field("ok") == .number(1), "\(report)")
                        let subject = report.field("subject")
                        #expect(subject?.field("kind") == .string("cap"))
                        #expect(subject?.field("alert_id") == .string(alertID))
                        #expect(subject?.field("identifier") == .string(alert.identifier))
                        #expect(subject?.field("rule_id") == rule)
                        #expect(receiver.badSignatures == 0)
                    }
                    // The Cancel's off is reported to the key too, as what that message made.
                    _ = try await gateway.postCAP(key: try #require(key.string("key")), alert.followedBy("Cancel").xml)
                    try await keyReceiver.waitUntil("the cancel's report") { $0.accepted.count == 2 }
                    #expect(ruleReceiver.accepted.count == 1, "the rule made nothing for the Cancel")
                    await agent.stop()
                    _ = try? await task.value
                }
            }
        }
    }
}
