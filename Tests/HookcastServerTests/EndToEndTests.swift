import Foundation
import HookcastCore
import HookcastDevice
import HookcastProtocol
import HookcastServer
import HookcastTestSupport
import Testing

/// Webhook → gateway → broker → reference agents → acknowledgements → command status, all real. Each test has a
/// broker of its own: broadcasts and latched emergency states of other suites must not reach its agents.
@Suite("End to end with the reference device agent")
struct EndToEndTests {
    /// Starts an agent and waits until the gateway sees it online.
    static func startAgent(
        _ id: String, hooks: URL? = nil, broker: TestBroker, gateway: GatewayClient
    ) async throws -> (DeviceAgent, Task<Void, any Error>) {
        let agent = try DeviceAgent(
            configuration: .init(
                deviceID: try DeviceID(id), mqttPort: broker.port, hooksDirectory: hooks,
                hookTimeout: .seconds(5), topics: testTopics))
        let task = Task { try await agent.run() }
        // A bound for a test that would wait for ever, not a latency target (ReportedStateTests.waitForState).
        try await withTimeout(.seconds(60), "\(id) online") {
            while try await gateway.admin(.get, "devices/\(id)")["online"] != .bool(true) {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return (agent, task)
    }

    /// Waits for the answers as long as the gateway allows (30 s), which a loaded machine may need.
    static func trigger(_ gateway: GatewayClient, key: String, event: String) async throws -> HTTPResult {
        try await gateway.postWebhook(key: key, body: #"{"event_id":"\#(event)"}"#, query: "wait=30")
    }

    @Test(
        "Device, group and all targets reach every agent once, and each command ends all ok, on either store",
        arguments: GatewayStoreKind.allCases)
    func everyTargetKind(store: GatewayStoreKind) async throws {
        try await store.withLocation { location in try await Self.everyTargetKind(on: location) }
    }

    private static func everyTargetKind(on store: StoreLocation) async throws {
        let suffix = UUID().uuidString.prefix(6)
        let ids = (1...3).map { "e2e\($0)-\(suffix)" }
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port, configure: { $0.store = store }) { gateway in
            for id in ids { _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#) }
            _ = try await gateway.admin(
                .post, "groups", #"{"id":"pair-\#(suffix)","members":["\#(ids[0])","\#(ids[1])"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"one","function":"load_url","params":{"url":"https://example.com/a"},"target":{"kind":"device","id":"\#(ids[2])"}}"#
            )
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"pair","function":"pause_loop","target":{"kind":"group","id":"pair-\#(suffix)"}}"#)
            // "all" reaches every agent on this broker; only the registered ones are expected.
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"everyone","function":"emergency","params":{"state":"on","message":"drill"},"target":{"kind":"all"}}"#
            )
            let key = try await gateway.createKey().secret
            var started: [(DeviceAgent, Task<Void, any Error>)] = []
            for id in ids { started.append(try await Self.startAgent(id, broker: broker, gateway: gateway)) }
            let agents = started
            // Group membership reaches the agents through their retained config.
            try await withTimeout(.seconds(60), "agents joined their group") {
                while agents[0].0.groups.isEmpty || agents[1].0.groups.isEmpty {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }

            for (event, expected) in [("one", 1), ("pair", 2), ("everyone", 3)] {
                let answer = try await Self.trigger(gateway, key: key, event: event)
                #expect(answer["complete"] == .bool(true), "\(event): \(answer.text)")
                #expect(answer["totals"]?.field("ok") == .number(Double(expected)), "\(event): \(answer.text)")
            }
            #expect(agents[2].0.state.currentURL == "https://example.com/a")
            #expect(agents[0].0.state.loopPaused && agents[1].0.state.loopPaused && !agents[2].0.state.loopPaused)
            #expect(agents.allSatisfy { $0.0.state.emergency.active && $0.0.state.emergency.message == "drill" })
            #expect(agents.map { $0.0.state.commandsExecuted } == [2, 2, 2])
            for (agent, task) in agents {
                await agent.stop()
                _ = try? await task.value
            }
            try await withTimeout(.seconds(60), "offline after stop") {
                while try await gateway.admin(.get, "devices/\(ids[0])")["online"] != .bool(false) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }

    @Test("A failing hook makes the device answer failed, with the hook's words")
    func failingHook() async throws {
        let id = "hook-\(UUID().uuidString.prefix(6))"
        let hooks = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(id)")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: hooks) }
        let hook = hooks.appendingPathComponent("restart_device")
        try ExecutableFile.write("#!/bin/sh\necho 'reboot refused by policy' >&2\nexit 4\n", to: hook)
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"reboot","function":"restart_device","target":{"kind":"device","id":"\#(id)"}}"#)
            let key = try await gateway.createKey().secret
            let (agent, task) = try await Self.startAgent(id, hooks: hooks, broker: broker, gateway: gateway)
            let answer = try await Self.trigger(gateway, key: key, event: "reboot")
            #expect(answer["totals"]?.field("failed") == .number(1), "\(answer.text)")
            let status = try await gateway.admin(.get, "commands/\(try #require(answer.string("command_id")))")
            #expect(status.text.contains("reboot refused by policy"), "\(status.text)")
            await agent.stop()
            _ = try? await task.value
        }
    }

    @Test("An agent that was offline gets the command from its persistent session and acknowledges it")
    func offlineAgentCatchesUp() async throws {
        let id = "away-\(UUID().uuidString.prefix(6))"
        let broker = try await TestBroker()
        // If the broker had not yet processed the first agent's DISCONNECT when the command went out, it handed
        // the command to the closing connection; redelivery after the deadline then brings it, as in production.
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(2)) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"later","function":"refresh_content","target":{"kind":"device","id":"\#(id)"}}"#)
            let key = try await gateway.createKey().secret
            let (first, firstTask) = try await Self.startAgent(id, broker: broker, gateway: gateway)
            await first.stop()
            _ = try? await firstTask.value

            let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"later"}"#)
            let commandID = try #require(answer.string("command_id"))
            // No answer while it is away: pending, or timed_out once the 2 s deadline passed on a loaded machine.
            let away = try await gateway.admin(.get, "commands/\(commandID)")["totals"]
            #expect(away?.field("ok") == .number(0), "\(String(describing: away))")
            #expect(away?.field("failed") == .number(0), "\(String(describing: away))")

            let (second, secondTask) = try await Self.startAgent(id, broker: broker, gateway: gateway)
            // Not "complete": past the short deadline a silent device counts as timed_out, which is complete too.
            _ = try await AcknowledgementTests.waitUntil(gateway, commandID) {
                $0["totals"]?.field("ok") == .number(1)
            }
            #expect(second.state.contentRefreshes.count == 1)
            await second.stop()
            _ = try? await secondTask.value
        }
    }
}

@Suite("Emergency is a latched state")
struct EmergencyLatchTests {
    @Test("An agent that missed the command shows the emergency at once, and the all-clear ends every scope")
    func latched() async throws {
        let id = "late-\(UUID().uuidString.prefix(6))"
        let group = "lg-\(UUID().uuidString.prefix(6))"
        let broker = try await TestBroker()
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"\#(group)","members":["\#(id)"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"alarm","function":"emergency","params":{"state":"on","message":"Evacuate floor 2"},"target":{"kind":"group","id":"\#(group)"}}"#
            )
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"clear","function":"emergency","params":{"state":"off"},"target":{"kind":"all"}}"#)
            let key = try await gateway.createKey().secret
            // Nobody listens yet: the command itself reaches no device.
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"alarm"}"#).status == .ok)

            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)
            try await withTimeout(.seconds(60), "emergency shown from the latched state") {
                while !agent.state.emergency.active { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(agent.state.emergency.message == "Evacuate floor 2")
            #expect(agent.state.commandsExecuted == 0)

            let cleared = try await gateway.postWebhook(key: key, body: #"{"event_id":"clear"}"#, query: "wait=30")
            #expect(cleared["complete"] == .bool(true))
            try await withTimeout(.seconds(60), "all-clear") {
                while agent.state.emergency.active { try await Task.sleep(for: .milliseconds(20)) }
            }
            await agent.stop()
            _ = try? await task.value
        }
    }
}
