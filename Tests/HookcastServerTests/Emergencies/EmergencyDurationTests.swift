import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

/// An emergency that ends by itself (`duration_seconds`), and two emergencies on one scope ending one at a time,
/// with a real broker and the reference agent.
@Suite("Emergencies that end by themselves")
struct EmergencyDurationTests {
    @Test("duration_seconds: the gateway ends the emergency, sends an off of its own, and the screen leaves it")
    func durationEndsTheEmergency() async throws {
        let id = "timed-\(UUID().uuidString.prefix(6).lowercased())"
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            let created = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"drill","function":"emergency","params":{"state":"on","message":"Drill","duration_seconds":1},"target":{"kind":"all"}}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)
            _ = try await ReportedStateTests.waitForState(gateway, id) { $0?.field("commands_executed") == .number(0) }

            let answer = try await EndToEndTests.trigger(gateway, key: key, event: "drill")
            #expect(answer["totals"]?.field("ok") == .number(1), "\(answer.text)")
            // On first, then off by itself once the second has passed.
            _ = try await ReportedStateTests.waitForState(gateway, id) {
                $0?.field("commands_executed") == .number(2) && $0?.field("emergency")?.field("active") == .bool(false)
            }
            let commands = try await gateway.admin(.get, "commands?limit=5")
            let items = commands["items"]?.arrayValue ?? []
            let off = try #require(items.first { $0.field("source") == .string("expiry") }, "\(commands.text)")
            #expect(off.field("event_id") == .string("drill"))
            #expect(off.field("params")?.field("state") == .string("off"))
            #expect(off.field("target")?.field("kind") == .string("all"))
            await agent.stop()
            _ = try? await task.value
        }
    }

    @Test("Two emergencies on one scope: the screen stays in emergency, with the other's message, until both ended")
    func overlappingEmergencies() async throws {
        let id = "overlap-\(UUID().uuidString.prefix(6).lowercased())"
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            for body in [
                #"{"event_id":"flood","function":"emergency","params":{"state":"on","message":"Flood"},"target":{"kind":"all"}}"#,
                #"{"event_id":"storm","function":"emergency","params":{"state":"on","message":"Storm","duration_seconds":1},"target":{"kind":"all"}}"#,
                #"{"event_id":"clear","function":"emergency","params":{"state":"off"},"target":{"kind":"all"}}"#,
            ] {
                let created = try await gateway.admin(.post, "actions", body)
                #expect(created.status == .created, "\(created.text)")
            }
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)
            _ = try await ReportedStateTests.waitForState(gateway, id) { $0?.field("commands_executed") == .number(0) }

            _ = try await EndToEndTests.trigger(gateway, key: key, event: "flood")
            // The storm's acknowledgement shows the screen took it; the state it reports is read only after the
            // storm's second, which a loaded machine may have let pass before a first read. The agent reports its
            // state before it acknowledges, and the gateway stores both in that order, so the flood read next is
            // the one after the storm.
            let storm = try await EndToEndTests.trigger(gateway, key: key, event: "storm")
            #expect(storm["totals"]?.field("ok") == .number(1), "\(storm.text)")
            // The storm's second passes: the flood still holds the scope, so the screen shows the flood again.
            let back = try await ReportedStateTests.waitForState(gateway, id) {
                $0?.field("emergency")?.field("message") == .string("Flood")
            }
            #expect(back["reported_state"]?.field("emergency")?.field("active") == .bool(true))
            let commands = try await gateway.admin(.get, "commands?limit=10")
            #expect(
                !(commands["items"]?.arrayValue ?? []).contains { $0.field("source") == .string("expiry") },
                "no off while the flood holds the scope: \(commands.text)")

            // The all-clear ends the rest.
            _ = try await EndToEndTests.trigger(gateway, key: key, event: "clear")
            _ = try await ReportedStateTests.waitForState(gateway, id) {
                $0?.field("emergency")?.field("active") == .bool(false)
            }
            await agent.stop()
            _ = try? await task.value
        }
    }
}
