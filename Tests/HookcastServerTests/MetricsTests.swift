import Foundation
import HookcastCore
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// `GET /metrics`: what an operator graphs, in Prometheus's text format, from a real webhook to a real agent.
@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("Webhooks by status, commands by outcome, acknowledgements with latency, broker, outbox and devices")
    func afterOneCommand() async throws {
        let broker = try await TestBroker()
        let device = "metrics-\(UUID().uuidString.prefix(6))"
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"metered","function":"refresh_content","target":{"kind":"device","id":"\#(device)"}}"#)
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(device, broker: broker, gateway: gateway)
            let answer = try await EndToEndTests.trigger(gateway, key: key, event: "metered")
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(try await gateway.postWebhook(key: "hk_wrong", body: "{}").status == .unauthorized)

            let scraped = try await gateway.request(.get, "/metrics")
            #expect(scraped.status == .ok)
            #expect(scraped.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = Self.samples(scraped.text)
            #expect(samples[#"hookcast_webhooks_total{status="200"}"#] == 1, "\(scraped.text)")
            #expect(samples[#"hookcast_webhooks_total{status="401"}"#] == 1)
            #expect(samples[#"hookcast_commands_total{outcome="published"}"#] == 1)
            #expect(samples[#"hookcast_acknowledgements_total{state="ok"}"#] == 1)
            #expect(samples["hookcast_acknowledgement_latency_seconds_count"] == 1)
            let latency = try #require(samples["hookcast_acknowledgement_latency_seconds_sum"])
            #expect(latency > 0 && latency < 10)
            #expect(samples["hookcast_broker_connected"] == 1)
            #expect(samples["hookcast_devices_online"] == 1)
            #expect(samples["hookcast_outbox_depth"] == 0)
            // Labels are fixed words and codes: no key, no device id.
            #expect(!scraped.text.contains(key) && !scraped.text.contains("hk_wrong") && !scraped.text.contains(device))

            await agent.stop()
            _ = try? await task.value
        }
        withExtendedLifetime(broker) {}
    }

    @Test("What the inbox drops for a flooding device is counted by kind")
    func inboxDropsAreCounted() {
        let metrics = GatewayMetrics()
        metrics.deviceMessagesDropped(.init(acknowledgements: 3, presence: 2))
        metrics.deviceMessagesDropped(.init())
        let samples = Self.samples(String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self))
        #expect(samples[#"hookcast_device_messages_dropped_total{kind="acknowledgement"}"#] == 3)
        #expect(samples[#"hookcast_device_messages_dropped_total{kind="presence"}"#] == 2)
    }

    /// `name{labels} value` lines, comments left out.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
