import Foundation
import HookcastTestSupport
import Mosquitto
import Testing

/// Issue 22, through a real broker and the gateway in process: a presence without `agent_version` or with a
/// timestamp off the format was dropped without a word, and the device showed offline. Now each is counted in
/// `/metrics` by kind and reason, and a good presence from the same device still counts.
@Suite("Refused presence is counted")
struct PresenceRefusalMetricsTests {
    @Test("A presence without agent_version, one with a bad timestamp and a bad state are counted by reason")
    func countedByReason() async throws {
        let device = "refused-\(UUID().uuidString.prefix(6))"
        try await GatewayHarness.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
            let client = try MQTTClient(configuration: .init(port: try SharedBroker.port, clientID: device))
            try await client.connect()
            defer { Task { await client.disconnect() } }
            let topic = "\(testTopics.root)/devices/\(device)/status"
            func presence(_ fields: String) -> [UInt8] {
                Array(#"{"device_id":"\#(device)","status":"online","v":1,\#(fields)}"#.utf8)
            }
            // Not retained: each would replace the one before, and the gateway reads them as they come.
            try await client.publish(to: topic, payload: presence(#""since":"2026-11-29T09:59:58.000Z""#))
            try await client.publish(
                to: topic, payload: presence(#""agent_version":"fw-1","since":"2026-11-29 09:59:58""#))
            try await client.publish(
                to: topic, payload: presence(#""agent_version":"fw-1","since":"2026-11-29T09:59:58.000""#))
            try await withTimeout(.seconds(120), "both refusals counted") {
                while true {
                    let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
                    let missing = samples[Self.refused("presence", "missing_agent_version")] ?? 0
                    let timestamps = samples[Self.refused("presence", "bad_timestamp")] ?? 0
                    if missing >= 1 && timestamps >= 2 {
                        #expect(missing == 1 && timestamps == 2)
                        return
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(try await gateway.admin(.get, "devices/\(device)")["online"] == .bool(false))

            // The good path: a presence by the rules counts; one with a broken state counts without its state.
            try await client.publish(
                to: topic,
                payload: presence(
                    #""agent_version":"fw-2","since":"2026-11-29T09:59:58.000Z","state":{"loop_paused":"yes"}"#))
            try await withTimeout(.seconds(120), "the device online, its state refused") {
                while try await gateway.admin(.get, "devices/\(device)")["online"] != .bool(true) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let scraped = try await gateway.request(.get, "/metrics").text
            #expect(MetricsTests.samples(scraped)[Self.refused("state", "invalid_state")] == 1, "\(scraped)")
            #expect(!scraped.contains(device), "labels are fixed words, never a device id")
        }
    }

    static func refused(_ kind: String, _ reason: String) -> String {
        #"hookcast_device_messages_refused_total{kind="\#(kind)",reason="\#(reason)"}"#
    }
}
