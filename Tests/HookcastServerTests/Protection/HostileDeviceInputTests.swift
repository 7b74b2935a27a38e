import Foundation
import HookcastTestSupport
import Mosquitto
import Testing

/// What anyone on the broker can send the gateway (until access control lands): acknowledgements and presence it
/// cannot read are dropped, and the gateway keeps serving. On the real broker; the HTTP side is `HostileInputTests`.
@Suite("Hostile input from devices")
struct HostileDeviceInputTests {
    @Test("The JSON that once crashed the decoder, as an acknowledgement and as presence, changes nothing")
    func hostileDeviceMessages() async throws {
        try await GatewayHarness.run { gateway in
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey().secret
            let device = try MQTTClient(
                configuration: .init(port: try SharedBroker.port, clientID: "hostile-\(UUID().uuidString.prefix(6))"))
            try await device.connect()
            try await device.publish(
                to: "\(testTopics.root)/devices/d1/acks", payload: Array(repeating: UInt8(ascii: "["), count: 513))
            try await device.publish(
                to: "\(testTopics.root)/devices/d1/status", payload: Array(repeating: UInt8(ascii: "["), count: 513))
            await device.disconnect()
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                try await gateway.request(.get, "/healthz").status == .ok, "alive after the hostile acknowledgement")
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(0))
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"refresh"}"#).status == .ok)
        }
    }

    /// Issue 15, finding 2, through the real broker: both were parsed and stored before (as `failed` answers with
    /// their detail), and no `too_large` was counted.
    @Test("An acknowledgement over 16 KiB, or with a detail over 1 KiB, is refused and counted as too large")
    func oversizedAcknowledgements() async throws {
        let device = "oversized-\(UUID().uuidString.prefix(6))"
        try await GatewayHarness.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
            let client = try MQTTClient(configuration: .init(port: try SharedBroker.port, clientID: device))
            try await client.connect()
            let topic = "\(testTopics.root)/devices/\(device)/acks"
            func answer(detail: String?) throws -> [UInt8] {
                var object: [String: Any] = [
                    "v": 1, "command_id": UUID().uuidString.lowercased(), "device_id": device, "status": "failed",
                    "executed_at": "2026-11-29T10:00:00.120Z",
                ]
                object["detail"] = detail
                return Array(try JSONSerialization.data(withJSONObject: object))
            }
            // Valid JSON padded past 16 KiB, then a well-sized one with a 2 KiB detail.
            try await client.publish(
                to: topic, payload: try answer(detail: nil) + Array(repeating: UInt8(ascii: " "), count: 17 * 1024))
            try await client.publish(to: topic, payload: try answer(detail: String(repeating: "x", count: 2048)))
            await client.disconnect()
            try await withTimeout(.seconds(120), "both refusals counted") {
                while true {
                    let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
                    if samples[#"hookcast_acknowledgements_ignored_total{reason="too_large"}"#] ?? 0 >= 2 { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let view = try await gateway.admin(.get, "devices/\(device)")
            #expect(view.status == .ok)
            #expect(!view.text.contains("xxxxxxxx"), "nothing of the refused answers is stored: \(view.text)")
        }
    }
}
