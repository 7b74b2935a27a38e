import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastDevice

@Suite("DeviceAgent reports what it shows in its retained presence")
struct DeviceAgentStateReportTests {
    static func presences(_ watcher: BrokerWatcher, after: Int = 0) -> [PresenceMessage] {
        watcher.messages.dropFirst(after).filter { $0.topic.hasSuffix("/status") }
            .compactMap { try? PresenceMessage.decode($0.payload) }
    }

    @Test("online carries the state at connection, again after a command changed it (same since), and not otherwise")
    func reportsChanges() async throws {
        try await withTimeout(.seconds(20)) {
            let harness = try await AgentHarness.start()
            let first = try #require(Self.presences(harness.watcher).first)
            #expect(first.state?.currentURL == nil)
            #expect(first.state?.commandsExecuted == 0)

            let load = try Fixtures.envelope(
                .loadURL, params: .init(url: "https://example.com/board"), target: .device(harness.deviceID))
            let before = harness.watcher.messages.count
            try await harness.watcher.send(load, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: load.id, count: 1)
            // Published before the acknowledgement, on the same connection: here by now.
            let report = try #require(Self.presences(harness.watcher, after: before).last)
            #expect(report.status == .online)
            #expect(report.since == first.since)
            #expect(report.state?.currentURL == "https://example.com/board")
            #expect(report.state?.commandsExecuted == 1)
            #expect(report.state == harness.agent.state.reported)

            // Expired: acknowledged, nothing changed, nothing reported.
            let late = try Fixtures.envelope(.pauseLoop, expiresIn: -5)
            let quiet = harness.watcher.messages.count
            try await harness.watcher.send(late, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: late.id, count: 1)
            #expect(Self.presences(harness.watcher, after: quiet).isEmpty)

            // The retained message a newcomer (the gateway) reads is the latest state.
            let retained = try await DeviceAgentPresenceTests.retainedPresence(of: harness.deviceID)
            #expect(retained.state?.currentURL == "https://example.com/board")
            try await harness.close()
        }
    }

    @Test("A toast is reported while shown and reported gone when its time is up; a snooze until woken is reported")
    func toastEndsByItself() async throws {
        try await withTimeout(.seconds(30)) {
            let harness = try await AgentHarness.start()
            let toast = try Fixtures.envelope(
                .showToast, params: .init(message: "Coffee in the lobby", durationSeconds: 1, level: .info),
                target: .device(harness.deviceID))
            let before = harness.watcher.messages.count
            try await harness.watcher.send(toast, to: harness.commandTopic)
            let answers = try await harness.watcher.acknowledgements(for: toast.id, count: 1)
            #expect(answers.first?.status == .ok)
            let shown = try #require(Self.presences(harness.watcher, after: before).last)
            #expect(shown.state?.toast?.message == "Coffee in the lobby")

            // Nothing else happens to the device: the agent's own timer ends the toast and says so.
            while Self.presences(harness.watcher, after: before).last?.state?.toast != nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(harness.agent.state.toast == nil)

            let snooze = try Fixtures.envelope(.snoozeDevice, target: .device(harness.deviceID))
            let snoozing = harness.watcher.messages.count
            try await harness.watcher.send(snooze, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: snooze.id, count: 1)
            let off = try #require(Self.presences(harness.watcher, after: snoozing).last?.state?.snoozed)
            #expect(off.until == nil)
            let wake = try Fixtures.envelope(.wakeDevice, target: .device(harness.deviceID))
            let waking = harness.watcher.messages.count
            try await harness.watcher.send(wake, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: wake.id, count: 1)
            let on = try #require(Self.presences(harness.watcher, after: waking).last)
            #expect(on.state?.snoozed == nil)
            try await harness.close()
        }
    }

    @Test("The Last Will and the clean offline carry no state")
    func offlineWithoutState() async throws {
        try await withTimeout(.seconds(20)) {
            let harness = try await AgentHarness.start()
            let before = harness.watcher.messages.count
            harness.agent.dropConnectionForTesting()
            let will = try await harness.watcher.presence(.offline, after: before)
            #expect(try PresenceMessage.decode(will.payload).state == nil)
            let back = try await harness.watcher.presence(.online, after: before, timeout: .seconds(60))
            #expect(try PresenceMessage.decode(back.payload).state != nil)
            let stopping = harness.watcher.messages.count
            try await harness.stopAgent()
            let offline = try await harness.watcher.presence(.offline, after: stopping)
            #expect(try PresenceMessage.decode(offline.payload).state == nil)
            try await harness.watcher.client.publish(
                to: testTopics.deviceStatus(harness.deviceID), payload: [], retain: true)
            await harness.watcher.close()
        }
    }
}
