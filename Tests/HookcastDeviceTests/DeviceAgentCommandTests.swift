import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastDevice

@Suite("DeviceAgent executes commands from the broker once and acknowledges each")
struct DeviceAgentCommandTests {
    @Test("A device command is executed and acknowledged ok, with the correlation data echoed")
    func executesAndAcknowledges() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let envelope = try Fixtures.envelope(
                .loadURL, params: .init(url: "https://example.com/board"), target: .device(harness.deviceID))
            try await harness.watcher.send(envelope, to: harness.commandTopic)

            let message = try await harness.watcher.first("ack") { $0.topic == testTopics.deviceAcks(harness.deviceID) }
            let ack = try Acknowledgement.decode(message.payload)
            #expect(ack.commandID == envelope.id)
            #expect(ack.deviceID == harness.deviceID)
            #expect(ack.status == .ok)
            #expect(ack.detail == nil)
            #expect(message.qos == .atLeastOnce)
            #expect(!message.retain)
            #expect(message.properties.correlationData == Array(envelope.id.uuidString.lowercased().utf8))
            #expect(message.properties.contentType == "application/json")
            #expect(harness.agent.state.currentURL == "https://example.com/board")
            #expect(harness.agent.state.commandsExecuted == 1)
            try await harness.close()
        }
    }

    @Test("The same command delivered twice is acknowledged twice and executed once")
    func duplicate() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let envelope = try Fixtures.envelope(.refreshContent)
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            // Twice on the device topic: the broadcast topic would reach every agent of the parallel tests.
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            let acks = try await harness.watcher.acknowledgements(for: envelope.id, count: 2)
            #expect(acks.map(\.status) == [.ok, .ok])
            #expect(harness.agent.state.commandsExecuted == 1)
            #expect(harness.agent.state.contentRefreshes.count == 1)
            try await harness.close()
        }
    }

    @Test("An expired command is acknowledged expired and not executed")
    func expired() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let envelope = try Fixtures.envelope(
                .loadURL, params: .init(url: "https://example.com/late"), expiresIn: -5)
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            let acks = try await harness.watcher.acknowledgements(for: envelope.id, count: 1)
            #expect(acks.first?.status == .expired)
            #expect(harness.agent.state == PlayerState())
            try await harness.close()
        }
    }

    @Test("Undecodable JSON with an id, or an unknown version, is rejected")
    func rejected() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let garbled = UUID()
            try await harness.watcher.send(
                Array(#"{"v":1,"id":"\#(garbled.uuidString.lowercased())","function":"fly"}"#.utf8), id: nil,
                to: harness.commandTopic)
            let future = UUID()
            try await harness.watcher.send(
                Array(#"{"v":2,"id":"\#(future.uuidString.lowercased())"}"#.utf8), id: future, to: harness.commandTopic)
            let first = try await harness.watcher.acknowledgements(for: garbled, count: 1)
            #expect(first.first?.status == .rejected)
            #expect(first.first?.detail?.isEmpty == false)
            let second = try await harness.watcher.acknowledgements(for: future, count: 1)
            #expect(second.first?.status == .rejected)
            #expect(second.first?.detail == "unsupported envelope version 2")
            #expect(harness.agent.state.commandsExecuted == 0)
            try await harness.close()
        }
    }

    @Test("A failing hook fails the command and leaves the state unchanged")
    func failingHook() async throws {
        try await withTimeout(.seconds(15)) {
            let hooks = try HookRunnerTests.hooks(.restartDevice, script: "echo 'no power' >&2\nexit 2")
            defer { try? FileManager.default.removeItem(at: hooks) }
            let harness = try await AgentHarness.start(hooks: hooks)
            let envelope = try Fixtures.envelope(.restartDevice)
            try await harness.watcher.send(envelope, to: harness.commandTopic)
            let ack = try await harness.watcher.acknowledgements(for: envelope.id, count: 1).first
            #expect(ack?.status == .failed)
            #expect(ack?.detail == "hook exited with status 2: no power")
            #expect(harness.agent.state.restarts == 0)
            try await harness.close()
        }
    }

    @Test("The state file keeps the player state and handled ids, so a restarted agent does not execute again")
    func stateFile() async throws {
        try await withTimeout(.seconds(15)) {
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let stateFile = directory.appendingPathComponent("state.json")
            let first = try await AgentHarness.start(stateFile: stateFile)
            let envelope = try Fixtures.envelope(.loadURL, params: .init(url: "https://example.com/kept"))
            try await first.watcher.send(envelope, to: first.commandTopic)
            _ = try await first.watcher.acknowledgements(for: envelope.id, count: 1)
            try await first.stopAgent()
            let written = try String(contentsOf: stateFile, encoding: .utf8)
            #expect(written.contains("https://example.com/kept"))

            let second = try await AgentHarness.start(first.deviceID, stateFile: stateFile, watcher: first.watcher)
            #expect(second.agent.state.currentURL == "https://example.com/kept")
            try await second.watcher.send(envelope, to: second.commandTopic)
            let acks = try await second.watcher.acknowledgements(for: envelope.id, count: 2)
            #expect(acks.map(\.status) == [.ok, .ok])
            #expect(second.agent.state.commandsExecuted == 1)
            try await second.close()
        }
    }
}
