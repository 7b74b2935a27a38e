import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastDevice

@Suite("DeviceAgent reports its presence, retained, and its Last Will says offline when it vanishes")
struct DeviceAgentPresenceTests {
    /// The retained presence a newcomer sees.
    static func retainedPresence(of deviceID: DeviceID) async throws -> PresenceMessage {
        let watcher = try await BrokerWatcher.start(testTopics.deviceStatus(deviceID))
        let message = try await watcher.first("retained presence") { $0.retain }
        await watcher.close()
        return try PresenceMessage.decode(message.payload)
    }

    @Test("online is retained after start and offline after stop")
    func onlineThenOffline() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let online = try await Self.retainedPresence(of: harness.deviceID)
            #expect(online.status == .online)
            #expect(online.deviceID == harness.deviceID)
            #expect(online.agentVersion == HookcastVersion.current)
            try await harness.stopAgent()
            #expect(try await Self.retainedPresence(of: harness.deviceID).status == .offline)
            try await harness.close()
        }
    }

    @Test("A dropped connection publishes the offline Last Will; the agent reconnects and says online again")
    func lastWill() async throws {
        // The limits only detect an agent that never comes back (its reconnect pause is 1-2 s): 8 s was outlasted
        // on a 2-core runner running four suites at once.
        try await withTimeout(.seconds(120)) {
            let harness = try await AgentHarness.start()
            let before = harness.watcher.messages.count
            harness.agent.dropConnectionForTesting()
            // Retained as published: reading the retained presence back afterwards would race the agent's
            // reconnect, whose online presence can already have replaced the will.
            let will = try await harness.watcher.presence(.offline, after: before)
            #expect(will.retain)
            let afterWill = harness.watcher.messages.count
            _ = try await harness.watcher.presence(.online, after: afterWill, timeout: .seconds(90))
            try await harness.close()
        }
    }

    @Test("Stopped while the broker is away, the agent stops at once instead of waiting for the connection")
    func stopWhileDisconnected() async throws {
        let broker = try await TestBroker()
        var configuration = try AgentHarness.configuration(try Fixtures.deviceID())
        configuration.mqttPort = broker.port
        // An agent that sat out the client's offline wait would take 5 minutes to stop, past the 2-minute limit
        // below (which then fails, once the wait is over: it cannot be cancelled): the limit sees whether the stop
        // waited, never how fast the machine is.
        configuration.offlineWait = .seconds(300)
        let agent = try DeviceAgent(configuration: configuration)
        let runner = Task { try await agent.run() }
        try await withTimeout(.seconds(10), "agent online") {
            while !agent.client.state.isConnected {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        await broker.stop()
        try await withTimeout(.seconds(10), "agent notices the broker is gone") {
            while agent.client.state.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await withTimeout(.seconds(120), "agent stops without waiting for the connection") {
            await agent.stop()
            try await runner.value
        }
    }
}
