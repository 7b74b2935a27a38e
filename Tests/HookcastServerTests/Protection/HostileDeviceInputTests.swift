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
                to: "hookcast/v1/devices/d1/acks", payload: Array(repeating: UInt8(ascii: "["), count: 513))
            try await device.publish(
                to: "hookcast/v1/devices/d1/status", payload: Array(repeating: UInt8(ascii: "["), count: 513))
            await device.disconnect()
            try await Task.sleep(for: .milliseconds(300))
            #expect(
                try await gateway.request(.get, "/healthz").status == .ok, "alive after the hostile acknowledgement")
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(0))
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"refresh"}"#).status == .ok)
        }
    }
}
