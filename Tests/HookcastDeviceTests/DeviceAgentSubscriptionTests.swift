import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastDevice

@Suite("DeviceAgent follows its group config and keeps a persistent session")
struct DeviceAgentSubscriptionTests {
    static func waitForGroups(_ agent: DeviceAgent, _ expected: [GroupID]) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while agent.groups != expected {
            guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: "groups \(expected)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("Commands on a group in the config are executed; after the group is removed they are not")
    func followsGroups() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            let group = try Fixtures.groupID()
            let configTopic = testTopics.deviceConfig(harness.deviceID)
            let client = harness.watcher.client
            try await client.publish(
                to: configTopic, payload: DeviceConfigMessage(deviceID: harness.deviceID, groups: [group]).encoded(),
                retain: true)
            try await Self.waitForGroups(harness.agent, [group])

            let first = try Fixtures.envelope(.refreshContent, target: .group(group))
            try await harness.watcher.send(first, to: testTopics.groupCommands(group))
            #expect(try await harness.watcher.acknowledgements(for: first.id, count: 1).first?.status == .ok)

            try await client.publish(
                to: configTopic, payload: DeviceConfigMessage(deviceID: harness.deviceID, groups: []).encoded(),
                retain: true)
            try await Self.waitForGroups(harness.agent, [])
            let second = try Fixtures.envelope(.refreshContent, target: .group(group))
            try await harness.watcher.send(second, to: testTopics.groupCommands(group))
            // A marker on the device topic: once it is acknowledged, the group command would have been too.
            let marker = try Fixtures.envelope(.restartDevice)
            try await harness.watcher.send(marker, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: marker.id, count: 1)
            #expect(harness.watcher.acknowledgements(for: second.id).isEmpty)
            #expect(harness.agent.state.contentRefreshes.count == 1)

            try await client.publish(to: configTopic, payload: [], retain: true)
            try await harness.close()
        }
    }

    @Test(
        "Tags in the config are followed: a tag command that selects the device runs once, one that does not is ignored"
    )
    func followsTags() async throws {
        try await withTimeout(.seconds(15)) {
            let harness = try await AgentHarness.start()
            // Unique tags: the shared broker's other tests never publish on them.
            let (lobby, hall) = ("lobby \(UUID().uuidString.prefix(8))", "hall/\(UUID().uuidString.prefix(8))")
            let configTopic = testTopics.deviceConfig(harness.deviceID)
            let client = harness.watcher.client
            try await client.publish(
                to: configTopic,
                payload: DeviceConfigMessage(deviceID: harness.deviceID, groups: [], tags: [lobby, hall]).encoded(),
                retain: true)
            let deadline = ContinuousClock.now + .seconds(5)
            while harness.agent.tags != [hall, lobby].sorted() {
                guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: "tags") }
                try await Task.sleep(for: .milliseconds(10))
            }
            // Sent on both tags' topics, as the gateway does for `any`: run and answered once.
            let both = try Fixtures.envelope(.refreshContent, target: .tag(try TagSelection(tags: [lobby, hall])))
            try await harness.watcher.send(both, to: testTopics.tagCommands(lobby))
            try await harness.watcher.send(both, to: testTopics.tagCommands(hall))
            // For devices with a third tag as well: ignored, not answered.
            let other = try Fixtures.envelope(
                .restartDevice, target: .tag(try TagSelection(tags: [lobby, "kitchen"], match: .all)))
            try await harness.watcher.send(other, to: testTopics.tagCommands(lobby))
            let marker = try Fixtures.envelope(.pauseLoop)
            try await harness.watcher.send(marker, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: marker.id, count: 1)
            #expect(harness.watcher.acknowledgements(for: both.id).count == 1)
            #expect(harness.watcher.acknowledgements(for: other.id).isEmpty)
            #expect(harness.agent.state.contentRefreshes.count == 1)
            try await client.publish(to: configTopic, payload: [], retain: true)
            try await harness.close()
        }
    }

    @Test("A command published while the agent is offline is executed when it comes back")
    func persistentSession() async throws {
        // A broker of its own, whose log says when it has processed the agent's DISCONNECT.
        let broker = try await TestBroker()
        try await withTimeout(.seconds(60)) {
            let first = try await AgentHarness.start(port: broker.port)
            try await first.stopAgent()
            // The agent's DISCONNECT is on the wire but may not be processed yet; a command the broker routed to the
            // closing connection would be acknowledged by libmosquitto after the agent stopped reading. The device
            // is away once the broker says so.
            while !broker.log.contains("Client \(first.deviceID.rawValue) disconnected") {
                try await Task.sleep(for: .milliseconds(20))
            }
            let envelope = try Fixtures.envelope(.loadURL, params: .init(url: "https://example.com/queued"))
            try await first.watcher.send(envelope, to: first.commandTopic)

            let second = try await AgentHarness.start(first.deviceID, watcher: first.watcher, port: broker.port)
            let acks = try await second.watcher.acknowledgements(for: envelope.id, count: 1)
            #expect(acks.first?.status == .ok)
            #expect(second.agent.state.currentURL == "https://example.com/queued")
            try await second.close()
        }
    }
}
