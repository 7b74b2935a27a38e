import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// A receiver that fails: the report is sent again with the same id and body, until it is taken, also across a
/// restart of the gateway. No device answers; a one-second acknowledgement deadline completes each report.
@Suite("Delivery reports retried until the receiver takes them")
struct CallbackRetryTests {
    @Test("503, 503, then 200: delivered once, after three attempts with identical id and body")
    func retriedWithBackoff() async throws {
        let device = "absent-\(UUID().uuidString.prefix(6))"
        try await CallbackReceiver.with { receiver in
            receiver.answer([503, 503])
            try await GatewayHarness.run(
                acknowledgementDeadline: .seconds(1), configure: { CallbackEndToEndTests.fastRetries(&$0) }
            ) { gateway in
                _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
                try await CallbackEndToEndTests.actionWithCallback(
                    gateway, event: "retry", target: #"{"kind":"device","id":"\#(device)"}"#, receiver: receiver)
                let key = try await gateway.createKey()
                _ = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"retry"}"#)
                try await receiver.waitUntil("delivered on the third attempt") { $0.accepted.count == 1 }
                let requests = receiver.requests
                #expect(requests.map(\.status) == [503, 503, 200])
                #expect(Set(requests.map(\.webhookID)).count == 1 && Set(requests.map(\.body)).count == 1)
                let list = try await gateway.admin(.get, "callbacks?state=delivered")
                let item = try #require(list["items"]?.array?.first)
                #expect(item.field("attempts") == .number(3) && item.field("last_status") == .number(200))
                #expect(item.field("webhook_id") == .string(requests[0].webhookID))
            }
        }
    }

    @Test("A report queued before a restart is delivered once after it, with the same webhook-id and body")
    func resumedAfterARestart() async throws {
        let device = "later-\(UUID().uuidString.prefix(6))"
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await CallbackReceiver.with { receiver in
            receiver.answer(Array(repeating: 503, count: 10_000))
            try await GatewayHarness.run(
                dataDirectory: directory, acknowledgementDeadline: .seconds(1),
                configure: { CallbackEndToEndTests.fastRetries(&$0, base: .milliseconds(200)) }
            ) { gateway in
                _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
                try await CallbackEndToEndTests.actionWithCallback(
                    gateway, event: "restart", target: #"{"kind":"device","id":"\#(device)"}"#, receiver: receiver)
                let key = try await gateway.createKey()
                _ = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"restart"}"#)
                try await receiver.waitUntil("refused at least once") { !$0.requests.isEmpty }
            }
            let refused = try #require(receiver.requests.first)
            #expect(receiver.accepted.isEmpty)
            receiver.answer([])
            try await GatewayHarness.run(
                dataDirectory: directory, acknowledgementDeadline: .seconds(1),
                configure: { CallbackEndToEndTests.fastRetries(&$0, base: .milliseconds(200)) }
            ) { gateway in
                try await receiver.waitUntil("delivered after the restart") { $0.accepted.count == 1 }
                let delivered = try #require(receiver.accepted[refused.webhookID]?.first)
                #expect(delivered.body == refused.body)
                #expect(receiver.accepted.values.map(\.count) == [1])
                let list = try await gateway.admin(.get, "callbacks")
                #expect(list["items"]?.array?.map { $0.field("state") } == [.string("delivered")], "\(list.text)")
            }
        }
    }
}
