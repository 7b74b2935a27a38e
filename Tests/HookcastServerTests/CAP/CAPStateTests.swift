import Foundation
import HookcastTestSupport
import Testing

/// The states a message's record takes, in process (memory store, recording publisher): what each kind of
/// message leaves behind, without devices.
@Suite("CAP alerts: the states of their records")
struct CAPStateTests {
    @Test("An Update no rule takes ends what it replaces: applied, the earlier updated, its scope turned off")
    func updateThatMakesNothing() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            #expect(try await gateway.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
            let key = try await gateway.createKey().secret
            let alert = CAPTestAlert()
            let first = try await gateway.postCAP(key: key, alert.xml)
            #expect(first["alert"]?.field("state") == .string("active"), "\(first.text)")

            let update = alert.followedBy("Update") { $0.event = "Aftershock" }
            let second = try await gateway.postCAP(key: key, update.xml)
            #expect(second["alert"]?.field("state") == .string("applied"), "\(second.text)")
            #expect(second["alert"]?.field("rule_ids") == .array([]))
            #expect(second["ended"]?.arrayValue?.first?.field("state") == .string("updated"))
            let offs = second["commands"]?.arrayValue ?? []
            #expect(offs.count == 1 && offs.first?.field("target")?.field("kind") == .string("all"), "\(second.text)")
            #expect(try await CAPLifecycleTests.alertState(gateway, first) == "updated")

            let ack = CAPTestAlert(identifier: "ack-1", msgType: "Ack", references: [update])
            let third = try await gateway.postCAP(key: key, ack.xml)
            #expect(third["alert"]?.field("state") == .string("recorded"))
            #expect(third["commands"]?.arrayValue?.isEmpty == true)
            #expect(try await CAPLifecycleTests.alertState(gateway, second) == "applied", "an Ack ends nothing")
            _ = try await gateway.postCAP(key: key, ack.xml)

            let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
            for (outcome, count) in [("active", 1.0), ("applied", 1), ("recorded", 1), ("duplicate", 1)] {
                #expect(samples["hookcast_cap_alerts_total{outcome=\"\(outcome)\"}"] == count, "\(outcome)")
            }
        }
    }
}
