import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The reference agent on the shipped, locked-down broker: it logs in with the password the gateway gave it,
/// follows group changes (which never disconnect it) and keeps acknowledging.
@Suite("Reference agents on the secure broker")
struct SecureFleetTests {
    @Test("Agents with their own accounts execute group, device and broadcast commands, across group changes")
    func agentsFollowGroupChanges() async throws {
        try await SecureGateway.run { gateway, broker in
            var started: [(DeviceAgent, Task<Void, any Error>)] = []
            for id in ["wall-1", "wall-2"] {
                let password = try await SecureGateway.createDevice(gateway, id)
                let agent = try DeviceAgent(
                    configuration: .init(
                        deviceID: try DeviceID(id), mqttPort: broker.port, username: id, password: password,
                        topics: testTopics))
                started.append((agent, Task { try await agent.run() }))
            }
            let agents = started
            defer { for (_, task) in agents { task.cancel() } }
            try await SecureGateway.createGroup(gateway, "west", members: ["wall-1"])
            for (event, target) in [("west", "group:west"), ("wall-2", "device:wall-2"), ("walls", "all")] {
                let parts = target.split(separator: ":").map(String.init)
                let json = parts.count == 2 ? #"{"kind":"\#(parts[0])","id":"\#(parts[1])"}"# : #"{"kind":"all"}"#
                let created = try await gateway.admin(
                    .post, "actions", #"{"event_id":"\#(event)","function":"refresh_content","target":\#(json)}"#)
                try #require(created.status == .created, "\(created.text)")
            }
            let key = try await gateway.createKey().secret
            try await withTimeout(.seconds(10), "wall-1 joined west") {
                while agents[0].0.groups.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            for (event, expected) in [("west", 1), ("wall-2", 1), ("walls", 2)] {
                let answer = try await EndToEndTests.trigger(gateway, key: key, event: event)
                #expect(answer["totals"]?.field("ok") == .number(Double(expected)), "\(event): \(answer.text)")
            }

            // wall-2 joins: the broker lets it read the group before its config tells it to subscribe.
            #expect(try await gateway.admin(.put, "groups/west/members/wall-2").status == .ok)
            try await withTimeout(.seconds(15), "wall-2 joined west") {
                while agents[1].0.groups.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            let both = try await EndToEndTests.trigger(gateway, key: key, event: "west")
            #expect(both["complete"] == .bool(true) && both["totals"]?.field("ok") == .number(2), "\(both.text)")
            #expect(agents.map { $0.0.state.commandsExecuted } == [3, 3])

            for (agent, task) in agents {
                await agent.stop()
                _ = try? await task.value
            }
        }
    }
}
