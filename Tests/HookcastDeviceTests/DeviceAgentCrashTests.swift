import Foundation
import HookcastTestSupport
import Testing

@testable import HookcastDevice

@Suite("An agent that dies while running a command")
struct DeviceAgentCrashTests {
    @Test("The command is recorded before it runs, so after a crash its redelivery is acknowledged, not run again")
    func writeAhead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-crash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hooks = directory.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        // A restart hook that runs until the test lets it end, as a real reboot takes its time: the state file is
        // copied while it runs. It says when it started; the agent writes the command down before starting it.
        let started = directory.appendingPathComponent("hook-started")
        let release = directory.appendingPathComponent("hook-release")
        try ExecutableFile.write(
            "#!/bin/sh\ntouch '\(started.path)'\nwhile [ ! -e '\(release.path)' ]; do sleep 0.05; done\n",
            to: hooks.appendingPathComponent("restart_device"))
        let stateFile = directory.appendingPathComponent("state.json")
        let crashedState = directory.appendingPathComponent("crashed.json")

        // Bounds a test that would otherwise wait for ever; every wait inside returns as soon as its event happens.
        try await withTimeout(.seconds(120)) {
            let first = try await AgentHarness.start(stateFile: stateFile, hooks: hooks)
            let envelope = try Fixtures.envelope(.restartDevice)
            try await first.watcher.send(envelope, to: first.commandTopic)
            while !FileManager.default.fileExists(atPath: started.path) {
                try await Task.sleep(for: .milliseconds(20))
            }
            // What a power cut in the middle of the hook would leave on disk.
            try FileManager.default.copyItem(at: stateFile, to: crashedState)
            try Data().write(to: release)
            _ = try await first.watcher.acknowledgements(for: envelope.id, count: 1)
            try await first.stopAgent()

            let second = try await AgentHarness.start(
                first.deviceID, stateFile: crashedState, hooks: hooks, watcher: first.watcher)
            try await second.watcher.send(envelope, to: second.commandTopic)
            let acknowledgements = try await second.watcher.acknowledgements(for: envelope.id, count: 2)
            #expect(acknowledgements.last?.status == .ok)
            #expect(acknowledgements.last?.detail == "restarted; acknowledged after the restart")
            #expect(second.agent.state.restarts == 0)
            #expect(second.agent.state.commandsExecuted == 0)
            try await second.close()
        }
    }
}
