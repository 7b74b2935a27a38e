import Foundation
import HookcastCore
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Webhook → commands → devices answer (or do not) → one signed delivery report at the callback URL, all real: a
/// broker of the test's own, the reference device agents, and a receiver that verifies each signature.
@Suite("Delivery reports to a callback URL, end to end")
struct CallbackEndToEndTests {
    /// Fast retries, no jitter: what takes seconds in production takes milliseconds here.
    static func fastRetries(_ settings: inout ServerConfiguration, base: Duration = .milliseconds(50)) {
        settings.callbacks.retry = CallbackRetryPolicy(
            base: base, maximum: .milliseconds(400), giveUpAfter: .seconds(600), jitter: 0)
    }

    /// Creates the action with `callback_url` and points the receiver at the secret the response showed once.
    static func actionWithCallback(
        _ gateway: GatewayClient, event: String, target: String, receiver: CallbackReceiver
    ) async throws {
        let created = try await gateway.admin(
            .post, "actions",
            #"{"event_id":"\#(event)","function":"pause_loop","target":\#(target),"callback_url":"\#(receiver.url)"}"#)
        #expect(created.status == .created, "\(created.text)")
        #expect(created.string("callback_url") == receiver.url)
        receiver.use(secret: try #require(created.string("callback_secret")))
    }

    @Test("Devices that acknowledge: exactly one signed report with every device ok")
    func acknowledged() async throws {
        let suffix = UUID().uuidString.prefix(6)
        let ids = ["cb1-\(suffix)", "cb2-\(suffix)"]
        let broker = try await TestBroker()
        try await CallbackReceiver.with { receiver in
            try await GatewayHarness.run(mqttPort: broker.port, configure: { Self.fastRetries(&$0) }) { gateway in
                for id in ids { _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#) }
                _ = try await gateway.admin(
                    .post, "groups", #"{"id":"cb-\#(suffix)","members":["\#(ids[0])","\#(ids[1])"]}"#)
                try await Self.actionWithCallback(
                    gateway, event: "pause", target: #"{"kind":"group","id":"cb-\#(suffix)"}"#, receiver: receiver)
                let key = try await gateway.createKey()
                var agents: [(DeviceAgent, Task<Void, any Error>)] = []
                for id in ids {
                    agents.append(try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway))
                }
                let started = agents
                try await withTimeout(.seconds(10), "agents joined their group") {
                    while started.contains(where: { $0.0.groups.isEmpty }) {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                let answer = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"pause"}"#)
                let commandID = try #require(answer.string("command_id"))

                try await receiver.waitUntil("one report delivered") { $0.accepted.count == 1 }
                let report = try #require(receiver.accepted.values.first?.first?.json)
                #expect(report.field("type") == .string("delivery.report"))
                #expect(report.field("complete") == .bool(true))
                #expect(report.field("totals")?.field("ok") == .number(2), "\(report)")
                #expect(report.field("totals")?.field("timed_out") == .number(0))
                #expect(report.field("failed") == .array([]) && report.field("unanswered") == .array([]))
                #expect(report.field("subject")?.field("event_id") == .string("pause"))
                #expect(report.field("subject")?.field("api_key_id") == .string(key.id))
                #expect(report.field("commands")?.array?.first?.field("command_id") == .string(commandID))

                let reportID = try #require(report.field("report_id")?.string)
                let shown = try await gateway.admin(.get, "callbacks/\(reportID)")
                #expect(shown.string("state") == "delivered" && shown["attempts"] == .number(1), "\(shown.text)")
                let command = try await gateway.admin(.get, "commands/\(commandID)")
                #expect(command["callbacks"]?.array?.first?.field("state") == .string("delivered"), "\(command.text)")
                // Delivered once: nothing more arrives, however long one looks; one request was all it took.
                #expect(receiver.requests.count == 1 && receiver.badSignatures == 0)
                for (agent, task) in agents {
                    await agent.stop()
                    _ = try? await task.value
                }
            }
        }
    }

    @Test("A device that does not answer is named as unanswered in the report sent at the deadline")
    func unansweredAtTheDeadline() async throws {
        let device = "silent-\(UUID().uuidString.prefix(6))"
        try await CallbackReceiver.with { receiver in
            try await GatewayHarness.run(acknowledgementDeadline: .seconds(1), configure: { Self.fastRetries(&$0) }) {
                gateway in
                _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
                try await Self.actionWithCallback(
                    gateway, event: "nobody", target: #"{"kind":"device","id":"\#(device)"}"#, receiver: receiver)
                let key = try await gateway.createKey()
                _ = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"nobody"}"#)
                try await receiver.waitUntil("the report at the deadline") { $0.accepted.count == 1 }
                let report = try #require(receiver.accepted.values.first?.first?.json)
                #expect(report.field("complete") == .bool(false))
                #expect(report.field("totals")?.field("timed_out") == .number(1), "\(report)")
                let unanswered = try #require(report.field("unanswered")?.array)
                #expect(unanswered.map { $0.field("device_id") } == [.string(device)])
                #expect(unanswered.first?.field("state") == .string("timed_out"))
                #expect(report.field("truncated") == .bool(false))
            }
        }
    }
}

extension JSONValue {
    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
