import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastDevice

/// Issue 15, finding 9: the device trusts no publisher with what it opens, and an emergency does not wait behind a
/// slow hook.
@Suite("The agent refuses non-web URLs and lets an emergency overtake a running hook")
struct DeviceAgentOvertakingTests {
    @Test(
        "load_url with a file:, javascript: or data: URL fails naming the rule and leaves the screen as it was",
        arguments: ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<b>hi</b>", "https://"])
    func nonWebURLRefused(url: String) throws {
        var state = PlayerState()
        state.currentURL = "https://example.com/before"
        let outcome = CommandExecutor().apply(
            try Fixtures.envelope(.loadURL, params: .init(url: url)), to: &state, now: Date())
        #expect(outcome.status == .failed)
        #expect(
            outcome.detail
                == "url refused: params.url must be an http or https URL with a host, at most 2048 characters")
        #expect(state.currentURL == "https://example.com/before")
        #expect(state.commandsExecuted == 0)
    }

    @Test("The failed acknowledgement of a refused load_url reaches the broker")
    func refusedOverTheBroker() async throws {
        try await withTimeout(.seconds(120)) {
            let harness = try await AgentHarness.start()
            let envelope = try Fixtures.envelope(.loadURL, params: .init(url: "file:///etc/shadow"))
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            let ack = try await harness.watcher.acknowledgements(for: envelope.id, count: 1, timeout: .seconds(120))
            #expect(ack.first?.status == .failed)
            #expect(ack.first?.detail?.hasPrefix("url refused: params.url must be an http or https URL") == true)
            #expect(harness.agent.state.currentURL == nil)
            try await harness.close()
        }
    }

    @Test(
        "An emergency state that arrives while a hook sleeps for an hour stops the hook, shows at once, and the command is acknowledged as overtaken"
    )
    func emergencyOvertakesHook() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = directory.appendingPathComponent("hook.pid")
        // The hook says it runs (its pid, which `exec` keeps) and then sleeps far beyond the test's bound.
        let hooks = try HookRunnerTests.hooks(
            .refreshContent,
            script: "echo $$ > '\(started.path).tmp' && mv '\(started.path).tmp' '\(started.path)'\nexec sleep 3600")
        defer { try? FileManager.default.removeItem(at: hooks) }
        // Whatever happens, the sleeping hook (its own process group) does not outlive the test.
        defer {
            if let text = try? String(contentsOf: started, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(-pid, SIGKILL)
            }
        }
        try await withTimeout(.seconds(120)) {
            let harness = try await AgentHarness.start(hooks: hooks, hookTimeout: .seconds(7200))
            let envelope = try Fixtures.envelope(.refreshContent)
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            while !FileManager.default.fileExists(atPath: started.path) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(harness.agent.state.emergency.active == false)

            let emergency = EmergencyStateMessage(
                scope: .device(harness.deviceID), state: .on, message: "Leave the building", commandID: UUID(),
                since: Date())
            let topic = testTopics.emergencyState(.device(harness.deviceID))
            _ = try await harness.watcher.client.publish(to: topic, payload: emergency.encoded(), retain: true)

            let ack = try await harness.watcher.acknowledgements(for: envelope.id, count: 1, timeout: .seconds(120))
            #expect(ack.first?.status == .failed)
            #expect(ack.first?.detail == "hook was stopped: overtaken by an emergency state")
            // The command failed, so what it would have changed is not kept; the emergency is what shows.
            #expect(harness.agent.state.contentRefreshes.count == 0)
            while !harness.agent.state.emergency.active { try await Task.sleep(for: .milliseconds(20)) }
            #expect(harness.agent.state.emergency.message == "Leave the building")
            _ = try await harness.watcher.client.publish(to: topic, payload: [], retain: true)
            try await harness.close()
        }
    }

    @Test("A stop requested before the hook starts stops it without running it")
    func stopBeforeStart() async throws {
        let hooks = try HookRunnerTests.hooks(.refreshContent, script: "exec sleep 3600")
        defer { try? FileManager.default.removeItem(at: hooks) }
        let stop = HookStop()
        stop.request(reason: "overtaken by an emergency state")
        let outcome = await HookRunner(directory: hooks, timeout: .seconds(7200)).run(
            for: try Fixtures.envelope(.refreshContent), stop: stop)
        #expect(outcome == .failed("hook was stopped: overtaken by an emergency state"))
    }
}
