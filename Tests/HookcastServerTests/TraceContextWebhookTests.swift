import Foundation
import HTTPTypes
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastServer

/// A webhook's W3C `traceparent` and `tracestate` headers: carried into the command, its detail and its MQTT
/// message's user properties; an invalid one ignored, as the spec says, and counted.
@Suite("Trace context on the webhook")
struct TraceContextWebhookTests {
    static let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    static let tracestate = "vendor=opaque,other=1"

    static func setUp(_ gateway: GatewayClient, steps: Bool = false) async throws -> String {
        _ = try await gateway.admin(.post, "devices", #"{"id":"traced"}"#)
        let step = #"{"function":"refresh_content","target":{"kind":"device","id":"traced"}}"#
        let created = try await gateway.admin(
            .post, "actions", #"{"event_id":"traced","steps":[\#(step)\#(steps ? "," + step : "")]}"#)
        #expect(created.status == .created, "\(created.text)")
        return try await gateway.createKey().secret
    }

    static func post(
        _ gateway: GatewayClient, key: String, traceHeaders: HTTPFields, idempotencyKey: String? = nil
    ) async throws -> HTTPResult {
        var headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key]
        headers.append(contentsOf: traceHeaders)
        if let idempotencyKey { headers[HTTPField.Name("idempotency-key")!] = idempotencyKey }
        return try await gateway.request(
            .post, "/public-api/integration/webhooks", headers: headers, body: #"{"event_id":"traced"}"#)
    }

    static var traceHeaders: HTTPFields {
        [HTTPField.Name("traceparent")!: traceparent, HTTPField.Name("tracestate")!: tracestate]
    }

    @Test("POST: the trace context is in the command's detail, its list item and its MQTT user properties")
    func postCarriesTheTrace() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let key = try await Self.setUp(parts.client)
            let answer = try await Self.post(parts.client, key: key, traceHeaders: Self.traceHeaders)
            #expect(answer.status == .ok, "\(answer.text)")
            let commandID = try #require(answer.string("command_id"))
            let detail = try await parts.client.admin(.get, "commands/\(commandID)")
            #expect(detail["trace"]?.field("traceparent") == .string(Self.traceparent), "\(detail.text)")
            #expect(detail["trace"]?.field("tracestate") == .string(Self.tracestate), "\(detail.text)")
            let list = try await parts.client.admin(.get, "commands")
            #expect(list.text.contains(#""traceparent":"\#(Self.traceparent)""#), "\(list.text)")

            let published = parts.broker.publishes(on: "hookcast/v1/devices/traced/commands")
            #expect(published.count == 1)
            #expect(
                published.first?.properties.userProperties == [
                    MQTTUserProperty("traceparent", Self.traceparent), MQTTUserProperty("tracestate", Self.tracestate),
                ])
        }
    }

    @Test("GET: the headers are read on the query form too, and a command without them has no trace")
    func getCarriesTheTrace() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let key = try await Self.setUp(parts.client)
            let traced = try await parts.client.request(
                .get, "/public-api/integration/webhooks?apiKey=\(key)&eventId=traced",
                headers: [HTTPField.Name("traceparent")!: Self.traceparent])
            #expect(traced.status == .ok, "\(traced.text)")
            let detail = try await parts.client.admin(.get, "commands/\(try #require(traced.string("command_id")))")
            #expect(detail["trace"]?.field("traceparent") == .string(Self.traceparent), "\(detail.text)")
            #expect(detail["trace"]?.field("tracestate") == nil, "\(detail.text)")

            let untraced = try await parts.client.getWebhook(query: "apiKey=\(key)&eventId=traced")
            let plain = try await parts.client.admin(.get, "commands/\(try #require(untraced.string("command_id")))")
            #expect(plain["trace"] == nil, "\(plain.text)")
            #expect(parts.broker.publishes.last?.properties.userProperties == [])
        }
    }

    @Test(
        "An invalid traceparent is ignored, not refused: the command is stored untraced and the reason counted",
        arguments: [
            ("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", "malformed_field"),
            ("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "forbidden_version"),
            ("00-00000000000000000000000000000000-b7ad6b7169203331-01", "zero_trace_id"),
            ("00-" + String(repeating: "a", count: 300), "wrong_length"),
            (String(repeating: "x", count: 300), "malformed_version"),
        ])
    func invalidTraceparentIsIgnored(_ traceparent: String, _ reason: String) async throws {
        try await InProcessGateway.runAndInspect { parts in
            let key = try await Self.setUp(parts.client)
            let answer = try await Self.post(
                parts.client, key: key,
                traceHeaders: [
                    HTTPField.Name("traceparent")!: traceparent, HTTPField.Name("tracestate")!: Self.tracestate,
                ])
            #expect(answer.status == .ok, "\(answer.text)")
            let detail = try await parts.client.admin(.get, "commands/\(try #require(answer.string("command_id")))")
            #expect(detail["trace"] == nil, "\(detail.text)")
            #expect(parts.broker.publishes.last?.properties.userProperties == [])
            let metrics = MetricsTests.samples(try await parts.client.request(.get, "/metrics").text)
            #expect(metrics[#"hookcast_trace_contexts_ignored_total{reason="\#(reason)"}"#] == 1)
        }
    }

    @Test("Every step of a call carries its trace; an idempotent repeat gets the original commands and their trace")
    func stepsAndRepeats() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let key = try await Self.setUp(parts.client, steps: true)
            let first = try await Self.post(
                parts.client, key: key, traceHeaders: Self.traceHeaders, idempotencyKey: "once")
            #expect(first.status == .ok, "\(first.text)")
            let stored = try await parts.store.commands.page(offset: 0, limit: 10)
            #expect(stored.count == 2)
            #expect(stored.allSatisfy { $0.trace?.traceparent == Self.traceparent })
            #expect(stored.allSatisfy { $0.trace?.traceState == Self.tracestate })

            let other = "00-11111111111111111111111111111111-2222222222222222-00"
            let repeated = try await Self.post(
                parts.client, key: key, traceHeaders: [HTTPField.Name("traceparent")!: other], idempotencyKey: "once")
            #expect(repeated.status == .ok, "\(repeated.text)")
            #expect(repeated.string("command_id") == first.string("command_id"))
            let detail = try await parts.client.admin(.get, "commands/\(try #require(repeated.string("command_id")))")
            #expect(detail["trace"]?.field("traceparent") == .string(Self.traceparent), "\(detail.text)")
            #expect(try await parts.store.commands.count() == 2)
        }
    }
}
