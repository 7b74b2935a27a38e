import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Synchronization
import Testing

/// Issue 16's promise at fleet size: group changes go to the broker plugin, which checks every delivery, so moving
/// a connected fleet between groups disconnects nobody (dynamic security disconnected all 100 of 100).
@Suite("Moving a connected fleet between groups on the secure broker")
struct GroupMoveTests {
    static let count = 1_000

    @Test(
        "1,000 connected devices moved between groups: no disconnect, no offline presence, and the new group reaches all"
    )
    func thousandDevicesChangeGroupsWithoutDisconnecting() async throws {
        try await SecureGateway.run { gateway, broker in
            let passwords = FileManager.default.temporaryDirectory
                .appendingPathComponent("hookcast-passwords-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: passwords, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: passwords) }
            let configuration = FleetSimulator.Configuration(
                count: Self.count, idPrefix: "mv-", mqttPort: broker.port,
                credentials: .perDevice(directory: passwords),
                topics: testTopics
            )
            let ids = try (0..<Self.count).map { try configuration.deviceID(at: $0).rawValue }
            try await SecureGateway.importFleet(
                gateway, rows: ids.map { #"{"id":"\#($0)"}"# }, passwordsTo: passwords)

            let login = try broker.gatewayCredentials
            let presence = try SecureGateway.client(
                broker, username: login.username, password: login.password,
                clientID: "presence-\(UUID().uuidString.prefix(8))")
            try await presence.connect()
            let statuses = try await presence.subscribe(to: "\(testTopics.root)/devices/+/status")
            let offline = OfflineCount()
            let counting = Task {
                for await message in statuses where (try? PresenceMessage.decode(message.payload))?.status == .offline {
                    offline.seen.add(1, ordering: .relaxed)
                }
            }
            let fleet = try FleetSimulator(configuration: configuration)
            try await withTimeout(.seconds(120), "\(Self.count) devices connected") {
                while fleet.statistics.connected < Self.count { try await Task.sleep(for: .milliseconds(50)) }
            }
            let offlineBefore = offline.seen.load(ordering: .relaxed)
            let logBefore = broker.log.count

            // Into "east", then all into "west" as well, then "east" deleted: every device's groups change
            // three times.
            let members = ids.map { "\"\($0)\"" }.joined(separator: ",")
            for group in ["east", "west"] {
                let created = try await gateway.admin(.post, "groups", #"{"id":"\#(group)","members":[\#(members)]}"#)
                try #require(created.status == .created, "\(created.text)")
            }
            try #require(try await gateway.admin(.delete, "groups/east").status == .noContent)
            let action = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"west-now","function":"refresh_content","target":{"kind":"group","id":"west"}}"#)
            try #require(action.status == .created, "\(action.text)")
            let key = try await gateway.createKey().secret
            // A member receives the group's commands once its config says west (the broker allows them from the
            // change on): until one command is acknowledged by all, the webhook is sent again.
            try await withTimeout(.seconds(120), "one west command acknowledged by every device") {
                while true {
                    let answer = try await gateway.postWebhook(
                        key: key, body: #"{"event_id":"west-now"}"#, query: "wait=30")
                    // `complete` alone would also hold for a device that timed out.
                    if answer["complete"] == .bool(true),
                        answer["totals"]?.field("ok") == .number(Double(Self.count))
                    {
                        return
                    }
                }
            }

            #expect(fleet.statistics.connected == Self.count)
            let brokerLines = broker.log.dropFirst(logBefore).split(separator: "\n")
            let lost = brokerLines.filter { line in
                line.contains("mv-")
                    && [
                        "disconnected", "closed its connection", "Socket error", "exceeded timeout",
                        "already connected",
                    ]
                    .contains { line.contains($0) }
            }
            #expect(lost.isEmpty, "\(lost.prefix(5))")
            #expect(offline.seen.load(ordering: .relaxed) == offlineBefore, "no device said offline")
            await fleet.stop()
            counting.cancel()
            await presence.disconnect()
        }
    }
}

/// Offline presences counted by the watcher's task.
private final class OfflineCount: Sendable {
    let seen = Atomic<Int>(0)
}
