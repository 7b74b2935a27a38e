import Foundation
import HookcastDevice
import HookcastTestSupport
import Synchronization
import Testing

/// Webhook → gateway → broker → `hookcast device --count 300` → acknowledgements → the webhook's answer.
///
/// The fleet runs as a process of its own, so its 900 descriptors do not count against this process's limit, which
/// every other suite's clients and gateways share. (While the client still used libmosquitto's threaded loop, which
/// waits with select(), they also pushed other tests' sockets past 1023, where that loop never read them.)
@Suite("End to end with a simulated fleet")
struct FleetEndToEndTests {
    static let count = 300

    @Test("A webhook to all, with wait, reports every one of 300 simulated devices ok")
    func broadcastToFleet() async throws {
        let broker = try await TestBroker(extraConfiguration: TestBroker.quietPersistence)
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            let configuration = FleetSimulator.Configuration(count: Self.count, idPrefix: "fleet-", topics: testTopics)
            let ids = try (0..<Self.count).map { try configuration.deviceID(at: $0).rawValue }
            let expected = Set(ids)
            // In batches: the gateway publishes each new device's retained config before it answers, and 300 at once
            // can outlast the test client's read timeout on a busy machine.
            for start in stride(from: 0, to: ids.count, by: 50) {
                let list = ids[start..<min(start + 50, ids.count)].map { #"{"id":"\#($0)"}"# }
                let imported = try await gateway.request(
                    .post, "/api/v1/devices/import",
                    headers: [.authorization: "Bearer \(GatewayHarness.adminToken)", .contentType: "application/json"],
                    body: "[\(list.joined(separator: ","))]")
                #expect(imported.status == .ok, "\(imported.text)")
            }
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"everyone","function":"refresh_datasource","target":{"kind":"all"}}"#)
            let key = try await gateway.createKey().secret

            let fleet = try ChildProcess(
                executable: try HookcastExecutable.url().path,
                arguments: [
                    "device", "--count", "\(Self.count)", "--id-prefix", "fleet-", "--mqtt-port", "\(broker.port)",
                ],
                directory: broker.directory, logFile: broker.directory.appendingPathComponent("fleet.log"))
            defer { fleet.terminate() }
            // Online as the gateway sees it: each device published that after subscribing, on the same connection.
            // One listing a round, not one request a device. The limit only detects a fleet that never comes up:
            // 300 connections on a busy 2-core runner have taken over 30 s.
            let online = Mutex(0)
            do {
                try await withTimeout(.seconds(180), "every simulated device online") {
                    while true {
                        let listed = try await gateway.admin(.get, "devices")
                        guard case .array(let items)? = listed["items"] else { continue }
                        let count = items.filter { item in
                            guard case .object(let fields) = item else { return false }
                            guard case .string(let id)? = fields["id"] else { return false }
                            return fields["online"] == .bool(true) && expected.contains(id)
                        }.count
                        online.withLock { $0 = count }
                        if count == ids.count { return }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            } catch {
                let log =
                    (try? String(contentsOf: broker.directory.appendingPathComponent("fleet.log"), encoding: .utf8))
                Issue.record(
                    "\(online.withLock { $0 }) of \(ids.count) online; the fleet's log ends: \(log?.suffix(2_000) ?? "")"
                )
                throw error
            }
            let answer = try await gateway.postWebhook(
                key: key, body: #"{"event_id":"everyone"}"#, query: "wait=30")
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(answer["totals"]?.field("ok") == .number(Double(Self.count)), "\(answer.text)")
            // SIGTERM: every device says offline before it disconnects.
            await fleet.stop()
            try await withTimeout(.seconds(10), "offline after the fleet stopped") {
                while try await gateway.admin(.get, "devices/\(ids[0])")["online"] != .bool(false) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }
}
