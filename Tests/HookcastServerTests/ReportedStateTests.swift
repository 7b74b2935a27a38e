import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The device's state, from the reference agent's presence through the broker to the admin API; all real.
@Suite("The admin API shows the state each device last reported")
struct ReportedStateTests {
    @Test("After a load_url the device's reported_state shows the URL, and it stays once the device is offline")
    func loadURLReported() async throws {
        let id = "shows-\(UUID().uuidString.prefix(6).lowercased())"
        let url = "https://example.com/menu-\(id)"
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"show","function":"load_url","params":{"url":"\#(url)"},"target":{"kind":"device","id":"\#(id)"}}"#
            )
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)
            let connected = try await Self.waitForState(gateway, id) { $0?.field("commands_executed") == .number(0) }
            #expect(connected["reported_state"]?.field("current_url") == .null)

            let answer = try await EndToEndTests.trigger(gateway, key: key, event: "show")
            #expect(answer["totals"]?.field("ok") == .number(1), "\(answer.text)")
            let shown = try await Self.waitForState(gateway, id) { $0?.field("current_url") == .string(url) }
            let state = try #require(shown["reported_state"])
            #expect(state.field("commands_executed") == .number(1))
            #expect(state.field("emergency")?.field("active") == .bool(false))
            #expect(state.field("loop_paused") == .bool(false))
            #expect(state.field("last_command_at") != .null)
            #expect(shown.string("reported_state_at") != nil)
            let listed = try await gateway.admin(.get, "devices")
            guard case .array(let items)? = listed["items"] else {
                Issue.record("no items: \(listed.text)")
                return
            }
            #expect(items.first { $0.field("id") == .string(id) }?.field("reported_state") == state)

            await agent.stop()
            _ = try? await task.value
            let offline = try await withTimeout(.seconds(60), "offline") {
                while true {
                    let view = try await gateway.admin(.get, "devices/\(id)")
                    if view["online"] == .bool(false) { return view }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(offline["reported_state"] == state)
            #expect(offline["reported_state_at"] == shown["reported_state_at"])
        }
    }

    @Test("A toast, its end, a snooze and the wake reach the admin API as the device reports them")
    func toastAndSnoozeReported() async throws {
        let id = "screen-\(UUID().uuidString.prefix(6).lowercased())"
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            let target = #""target":{"kind":"device","id":"\#(id)"}"#
            // The toast that is read back lasts ten minutes: one that ended by itself before the test's first read
            // (on a loaded machine a second is soon gone) would never be seen. A one-second toast replacing it
            // shows the end, which stays.
            for body in [
                #"{"event_id":"toast","function":"show_toast","params":{"message":"Fire drill at 3","duration_seconds":600,"level":"warning"},\#(target)}"#,
                #"{"event_id":"brief-toast","function":"show_toast","params":{"message":"Done","duration_seconds":1},\#(target)}"#,
                #"{"event_id":"snooze","function":"snooze_device",\#(target)}"#,
                #"{"event_id":"wake","function":"wake_device",\#(target)}"#,
            ] {
                let created = try await gateway.admin(.post, "actions", body)
                #expect(created.status == .created, "\(created.text)")
            }
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)
            _ = try await Self.waitForState(gateway, id) { $0?.field("commands_executed") == .number(0) }

            let toast = try await EndToEndTests.trigger(gateway, key: key, event: "toast")
            #expect(toast["totals"]?.field("ok") == .number(1), "\(toast.text)")
            let shown = try await Self.waitForState(gateway, id) { $0?.field("toast")?.field("message") != nil }
            let reported = try #require(shown["reported_state"]?.field("toast"))
            #expect(reported.field("message") == .string("Fire drill at 3"))
            #expect(reported.field("level") == .string("warning"))
            // A second after the brief toast replaced it, the agent ends it by itself and reports that.
            _ = try await EndToEndTests.trigger(gateway, key: key, event: "brief-toast")
            _ = try await Self.waitForState(gateway, id) { $0?.field("toast") == .null }

            _ = try await EndToEndTests.trigger(gateway, key: key, event: "snooze")
            let off = try await Self.waitForState(gateway, id) { $0?.field("snoozed")?.field("since") != nil }
            #expect(off["reported_state"]?.field("snoozed")?.field("until") == .null)
            _ = try await EndToEndTests.trigger(gateway, key: key, event: "wake")
            _ = try await Self.waitForState(gateway, id) { $0?.field("snoozed") == .null }
            await agent.stop()
            _ = try? await task.value
        }
    }

    /// Polls `GET /devices/{id}` until its `reported_state` satisfies `condition`. The bound only ends a test that
    /// would otherwise wait for ever: CI run 122 had this test and a CAP one, each with its gateway and agent in
    /// the test process, both pass the 10 s bound this had while the fault-injection suites loaded both cores (they
    /// took 177 and 181 s where they take 64).
    static func waitForState(
        _ gateway: GatewayClient, _ id: String, _ condition: @escaping @Sendable (JSONValue?) -> Bool
    ) async throws -> HTTPResult {
        try await withTimeout(.seconds(60), "reported state of \(id)") {
            while true {
                let view = try await gateway.admin(.get, "devices/\(id)")
                if condition(view["reported_state"]) { return view }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
