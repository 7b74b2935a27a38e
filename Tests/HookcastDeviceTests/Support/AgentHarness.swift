import Foundation
import HookcastProtocol
import HookcastTestSupport
import Logging
import Mosquitto

@testable import HookcastDevice

/// A running agent on the shared broker with a watcher on its device topics; `close()` stops both and clears the
/// retained presence it left behind.
struct AgentHarness {
    let deviceID: DeviceID
    let agent: DeviceAgent
    let runner: Task<Void, any Error>
    let watcher: BrokerWatcher

    static func configuration(
        _ deviceID: DeviceID,
        stateFile: URL? = nil,
        hooks: URL? = nil,
        hookTimeout: Duration = .seconds(5),
        port: Int? = nil
    ) throws -> DeviceAgent.Configuration {
        var logger = Logger(label: "test.device")
        logger.logLevel = .warning
        return DeviceAgent.Configuration(
            deviceID: deviceID, mqttPort: try port ?? SharedBroker.port, sessionExpiry: 120, hooksDirectory: hooks,
            hookTimeout: hookTimeout, stateFile: stateFile, keepAlive: 10, connectTimeout: .seconds(5), logger: logger,
            topics: testTopics)
    }

    /// Starts an agent (on the shared broker unless `port` names another) and returns once it announced itself
    /// online.
    static func start(
        _ deviceID: DeviceID? = nil,
        stateFile: URL? = nil,
        hooks: URL? = nil,
        hookTimeout: Duration = .seconds(5),
        watcher existing: BrokerWatcher? = nil,
        port: Int? = nil
    ) async throws -> AgentHarness {
        let deviceID = try deviceID ?? Fixtures.deviceID()
        let watcher: BrokerWatcher
        if let existing {
            watcher = existing
        } else {
            watcher = try await BrokerWatcher.start("\(testTopics.root)/devices/\(deviceID.rawValue)/#", port: port)
        }
        let already = watcher.messages.count
        let agent = try DeviceAgent(
            configuration: configuration(
                deviceID, stateFile: stateFile, hooks: hooks, hookTimeout: hookTimeout, port: port))
        let runner = Task { try await agent.run() }
        _ = try await watcher.presence(.online, after: already)
        return AgentHarness(deviceID: deviceID, agent: agent, runner: runner, watcher: watcher)
    }

    var commandTopic: String { testTopics.deviceCommands(deviceID) }

    /// Stops the agent; the watcher stays for what comes after.
    func stopAgent() async throws {
        await agent.stop()
        try await runner.value
    }

    func close() async throws {
        try await stopAgent()
        try await watcher.client.publish(to: testTopics.deviceStatus(deviceID), payload: [], retain: true)
        await watcher.close()
    }
}
