import Foundation
import HookcastCore
import HookcastDevice
import HookcastTestSupport
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
        let broker = try TestBroker(extraConfiguration: TestBroker.quietPersistence)
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            let configuration = FleetSimulator.Configuration(count: Self.count, idPrefix: "fleet-")
            let ids = try (0..<Self.count).map { try configuration.deviceID(at: $0).rawValue }
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
            try await withTimeout(.seconds(30), "every simulated device online") {
                for id in ids {
                    while try await gateway.admin(.get, "devices/\(id)")["online"] != .bool(true) {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            let answer = try await gateway.postWebhook(
                key: key, body: #"{"event_id":"everyone"}"#, query: "wait=10")
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(answer["totals"]?.field("ok") == .number(Double(Self.count)), "\(answer.text)")
            // SIGTERM: every device says offline before it disconnects.
            fleet.terminate()
            try await withTimeout(.seconds(10), "offline after the fleet stopped") {
                while try await gateway.admin(.get, "devices/\(ids[0])")["online"] != .bool(false) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }
}
