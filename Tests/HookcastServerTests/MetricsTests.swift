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

    /// Issue 15, finding 3: a scrape used to read the whole presence table, reported state included, on the store's
    /// one connection, every time; this flood made 100 such reads then (`presenceReads` was 100).
    @Test("A scrape flood reads no device's row, and counts in the store at most once per interval")
    func scrapeFloodStaysOffTheStore() async throws {
        let store = CountingStore()
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.deliveries.updatePresence([
            DevicePresence(deviceID: try DeviceID("d1"), online: true, since: since, agentVersion: nil),
            DevicePresence(deviceID: try DeviceID("d2"), online: false, since: since, agentVersion: nil),
        ])
        let metrics = GatewayMetrics(storeGaugeInterval: .seconds(5))
        let start = ContinuousClock.now
        var text = ""
        for index in 0..<100 {
            let rendered = await metrics.render(
                store: store, broker: .connected(sessionPresent: false), now: start + .milliseconds(index))
            text = String(decoding: rendered, as: UTF8.self)
        }
        #expect(store.counted.presenceReads.load(ordering: .relaxed) == 0)
        #expect(store.counted.onlineCounts.load(ordering: .relaxed) == 1)
        #expect(Self.samples(text)["hookcast_devices_online"] == 1, "\(text)")
        _ = await metrics.render(store: store, broker: .idle, now: start + .seconds(5))
        #expect(store.counted.onlineCounts.load(ordering: .relaxed) == 2)
    }

    /// Issue 15, finding 3: there was no `--metrics-address`; `/metrics` was only on the public listener.
    @Test("With a metrics address, /metrics is served there alone, and no longer on the public listener")
    func separateListener() async throws {
        let port = try FreePort.find()
        try await InProcessGateway.run(configure: { $0.metricsAddress = MetricsAddress(host: "127.0.0.1", port: port) })
        {
            gateway in
            #expect(try await gateway.request(.get, "/metrics").status == .notFound)
            #expect(try await gateway.request(.get, "/healthz").status == .ok)
            let listener = GatewayClient(port: port)
            // The listener is a service of the application: it may bind a moment after the test starts.
            let scraped = try await withTimeout(.seconds(120), "the metrics listener answers") {
                while true {
                    if let answer = try? await listener.request(.get, "/metrics") { return answer }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(scraped.status == .ok)
            #expect(Self.samples(scraped.text)["hookcast_broker_connected"] != nil, "\(scraped.text)")
            #expect(try await listener.request(.get, "/healthz").status == .notFound)
            #expect(try await listener.request(.get, "/api/v1/keys").status == .notFound)
        }
    }

    @Test("A metrics address is host:port, an IPv6 host in brackets")
    func metricsAddressParsing() {
        #expect(MetricsAddress("127.0.0.1:9090") == MetricsAddress(host: "127.0.0.1", port: 9090))
        #expect(MetricsAddress("[::1]:9090") == MetricsAddress(host: "::1", port: 9090))
        #expect(MetricsAddress("[::1]:9090")?.description == "[::1]:9090")
        for bad in ["9090", "host:", ":9090", "host:0", "host:70000", "host:x", "[::1:9090"] {
            #expect(MetricsAddress(bad) == nil, "\(bad)")
        }
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
