import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

/// CAP alerts through their life on a real broker with reference agents: alert, update, cancel, expiry, tests.
@Suite("CAP alerts: intake and lifecycle")
struct CAPLifecycleTests {
    static let quakeRule =
        #"{"id":"quakes","name":"Earthquakes","match":{"events":["Earthquake"]},"target":{"kind":"all"}}"#

    /// Two agents on a gateway with `rules`; runs `body` with the gateway, the key and the agents' ids.
    static func withScreens(
        rules: [String], _ body: @escaping @Sendable (GatewayClient, String, [String]) async throws -> Void
    ) async throws {
        let ids = (1...2).map { "cap-\($0)-\(UUID().uuidString.prefix(6).lowercased())" }
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            for rule in rules {
                let created = try await gateway.admin(.post, "cap/rules", rule)
                #expect(created.status == .created, "\(created.text)")
            }
            var agents: [(DeviceAgent, Task<Void, any Error>)] = []
            for id in ids {
                _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
                agents.append(try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway))
            }
            for id in ids {
                _ = try await ReportedStateTests.waitForState(gateway, id) {
                    $0?.field("commands_executed") == .number(0)
                }
            }
            try await body(gateway, try await gateway.createKey(name: "warning service").secret, ids)
            for (agent, task) in agents {
                await agent.stop()
                _ = try? await task.value
            }
        }
    }

    /// Waits until every screen shows emergency as `active` with `message`.
    static func waitForEmergency(
        _ gateway: GatewayClient, _ ids: [String], active: Bool, message: String? = nil
    ) async throws {
        for id in ids {
            _ = try await ReportedStateTests.waitForState(gateway, id) { state in
                state?.field("emergency")?.field("active") == .bool(active)
                    && (message == nil || state?.field("emergency")?.field("message") == .string(message ?? ""))
            }
        }
    }

    static func alertState(_ gateway: GatewayClient, _ answer: HTTPResult) async throws -> String? {
        let id = try #require(answer["alert"]?.field("id")?.stringValue, "\(answer.text)")
        return try await gateway.admin(.get, "cap/alerts/\(id)").string("state")
    }

    @Test("Alert, update and cancel: emergency on with the headline, the update's text, then off on every screen")
    func alertUpdateCancel() async throws {
        try await Self.withScreens(rules: [Self.quakeRule]) { gateway, key, ids in
            let alert = CAPTestAlert(headline: "Strong earthquake")
            let first = try await gateway.postCAP(key: key, alert.xml)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first["alert"]?.field("state") == .string("active"))
            #expect(first["commands"]?.arrayValue?.count == 1)
            try await Self.waitForEmergency(
                gateway, ids, active: true, message: "Strong earthquake\nDrop, cover and hold on.")

            let update = alert.followedBy("Update") { $0.headline = "Aftershocks expected" }
            let second = try await gateway.postCAP(key: key, update.xml)
            #expect(second.status == .ok, "\(second.text)")
            #expect(second["ended"]?.arrayValue?.first?.field("state") == .string("updated"))
            try await Self.waitForEmergency(
                gateway, ids, active: true, message: "Aftershocks expected\nDrop, cover and hold on.")

            let cancel = update.followedBy("Cancel")
            let third = try await gateway.postCAP(key: key, cancel.xml)
            #expect(third.status == .ok, "\(third.text)")
            #expect(third["alert"]?.field("state") == .string("applied"))
            try await Self.waitForEmergency(gateway, ids, active: false)

            #expect(try await Self.alertState(gateway, first) == "updated")
            #expect(try await Self.alertState(gateway, second) == "cancelled")
            let offs = try #require(third["commands"]?.arrayValue)
            #expect(offs.count == 1, "one off for the all scope: \(third.text)")
            let off = try await gateway.admin(.get, "commands/\(offs[0].field("command_id")?.stringValue ?? "")")
            #expect(off["source"] == .string("cap"))
            #expect(off["params"]?.field("state") == .string("off"))
            #expect(off["expected_devices"]?.arrayValue?.count == 2)
        }
    }

    @Test("An alert that expires two seconds ahead turns emergency off on its own")
    func expiresByItself() async throws {
        try await Self.withScreens(rules: [Self.quakeRule]) { gateway, key, ids in
            // A loaded machine may take more than the two seconds to take the alert in, and one that has expired on
            // arrival executes nothing (its notes say so): then another is sent.
            var answer: HTTPResult
            var emergencyOn: String?
            var attempts = 0
            repeat {
                attempts += 1
                try #require(attempts <= 10, "every alert had expired on arrival")
                answer = try await gateway.postCAP(key: key, CAPTestAlert(expires: Date().addingTimeInterval(2)).xml)
                #expect(answer.status == .ok, "\(answer.text)")
                emergencyOn = answer["commands"]?.arrayValue?.first?.field("command_id")?.stringValue
            } while emergencyOn == nil
            // Both screens acknowledging the emergency shows they turned it on. What they report may be off again
            // before the first read, so their state is read for the end only, which stays.
            let commandID = emergencyOn ?? ""
            try await withTimeout(.seconds(60), "both screens acknowledging the emergency") {
                while try await gateway.admin(.get, "commands/\(commandID)")["totals"]?.field("ok")
                    != .number(Double(ids.count))
                {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await Self.waitForEmergency(gateway, ids, active: false)
            #expect(try await Self.alertState(gateway, answer) == "expired")
        }
    }

    @Test("A Test alert executes nothing without a test target, and only reaches the test target with one")
    func testAlertsExecuteNothing() async throws {
        let testRule =
            #"{"id":"drills","match":{"events":["Drill"]},"target":{"kind":"all"},"test_target":{"kind":"device","id":"nobody-here"}}"#
        try await Self.withScreens(rules: [Self.quakeRule]) { gateway, key, ids in
            let answer = try await gateway.postCAP(key: key, CAPTestAlert(status: "Test").xml)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer["alert"]?.field("state") == .string("recorded"))
            #expect(answer["commands"]?.arrayValue?.isEmpty == true)
            let notes = answer["alert"]?.field("notes")?.arrayValue ?? []
            #expect(notes.contains { $0.stringValue?.contains("status Test") == true }, "\(answer.text)")
            let commands = try await gateway.admin(.get, "commands")
            #expect(commands["items"]?.arrayValue?.isEmpty == true, "\(commands.text)")

            // With a test target (here a device that is not registered) the rule acts there and nowhere else.
            _ = try await gateway.admin(.post, "devices", #"{"id":"nobody-here"}"#)
            #expect(try await gateway.admin(.post, "cap/rules", testRule).status == .created)
            let drill = try await gateway.postCAP(key: key, CAPTestAlert(status: "Exercise", event: "Drill").xml)
            let made = try #require(drill["commands"]?.arrayValue, "\(drill.text)")
            #expect(made.count == 1)
            #expect(made.first?.field("target")?.field("id") == .string("nobody-here"))
            for id in ids {
                let view = try await gateway.admin(.get, "devices/\(id)")
                #expect(view["reported_state"]?.field("emergency")?.field("active") == .bool(false))
            }
        }
    }

    @Test("Two alerts over the same screens: cancelling one leaves the other's message; cancelling both ends it")
    func overlappingAlerts() async throws {
        try await Self.withScreens(rules: [Self.quakeRule]) { gateway, key, ids in
            let quake = CAPTestAlert(headline: "Earthquake", instruction: nil)
            let aftershock = CAPTestAlert(
                identifier: "T-after-\(UUID().uuidString.prefix(6))", headline: "Aftershock", instruction: nil)
            for alert in [quake, aftershock] {
                #expect(try await gateway.postCAP(key: key, alert.xml).status == .ok)
            }
            try await Self.waitForEmergency(gateway, ids, active: true, message: "Aftershock")
            _ = try await gateway.postCAP(key: key, aftershock.followedBy("Cancel").xml)
            try await Self.waitForEmergency(gateway, ids, active: true, message: "Earthquake")
            let cancel = quake.followedBy("Cancel") { $0.identifier = "T-cancel-\(UUID().uuidString.prefix(6))" }
            _ = try await gateway.postCAP(key: key, cancel.xml)
            try await Self.waitForEmergency(gateway, ids, active: false)
        }
    }

    @Test("The same alert twice is acted on once; a Moderate one is a toast; another sender cannot cancel it")
    func duplicatesToastsAndSenders() async throws {
        try await Self.withScreens(rules: [Self.quakeRule]) { gateway, key, ids in
            let alert = CAPTestAlert(severity: "Moderate", headline: "Light shaking", instruction: nil)
            let first = try await gateway.postCAP(key: key, alert.xml)
            let again = try await gateway.postCAP(key: key, alert.xml)
            #expect(first["duplicate"] == .bool(false))
            #expect(again["duplicate"] == .bool(true), "\(again.text)")
            #expect(again["commands"]?.arrayValue?.isEmpty == true)
            #expect(again["alert"]?.field("id") == first["alert"]?.field("id"))
            let made = try #require(first["commands"]?.arrayValue?.first, "\(first.text)")
            #expect(made.field("function") == .string("show_toast"))
            for id in ids {
                _ = try await ReportedStateTests.waitForState(gateway, id) {
                    $0?.field("toast")?.field("message") == .string("Light shaking")
                }
            }

            var stranger = alert.followedBy("Cancel")
            stranger.sender = "someone-else@example.org"
            let refused = try await gateway.postCAP(key: key, stranger.xml)
            #expect(refused["ended"]?.arrayValue?.isEmpty == true, "\(refused.text)")
            #expect(try await Self.alertState(gateway, first) == "active")
        }
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
