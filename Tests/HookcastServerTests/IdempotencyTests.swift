import Foundation
import HTTPTypes
import HookcastTestSupport
import Testing

@Suite("Idempotency-Key: a retried webhook returns the original command")
struct IdempotencyTests {
    static func post(_ gateway: GatewayClient, key: String, idempotencyKey: String, body: String) async throws
        -> HTTPResult
    {
        try await gateway.request(
            .post, "/public-api/integration/webhooks",
            headers: [
                .contentType: "application/json", .init("x-webhook-apikey")!: key,
                .init("idempotency-key")!: idempotencyKey,
            ],
            body: body)
    }

    @Test("The same key and body give the same command once; a different body is 409; another API key is separate")
    func replay() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            try await WebhookContractTests.setUp(gateway, event: "once", function: "send_sensor_event")
            let first = try await gateway.createKey(name: "first")
            let second = try await gateway.createKey(name: "second")
            let body = #"{"event_id":"once","sensor_data":{"id":"s","event":"e","value":1}}"#
            let reordered = #"{"sensor_data":{"value":1,"event":"e","id":"s"},"event_id":"once"}"#

            let original = try await Self.post(gateway, key: first.secret, idempotencyKey: "retry-1", body: body)
            #expect(original.status == .ok)
            let commandID = try #require(original.string("command_id"))
            let replayed = try await Self.post(gateway, key: first.secret, idempotencyKey: "retry-1", body: reordered)
            #expect(replayed.status == .ok)
            #expect(replayed.string("command_id") == commandID)

            let changed = try await Self.post(
                gateway, key: first.secret, idempotencyKey: "retry-1",
                body: #"{"event_id":"once","sensor_data":{"id":"s","event":"e","value":2}}"#)
            #expect(changed.status == .conflict)
            #expect(changed.errorCode == "idempotency_key_reused")

            let otherCaller = try await Self.post(gateway, key: second.secret, idempotencyKey: "retry-1", body: body)
            #expect(otherCaller.status == .ok)
            #expect(otherCaller.string("command_id") != commandID)

            let invalid = try await Self.post(gateway, key: first.secret, idempotencyKey: "has space", body: body)
            #expect(invalid.errorCode == "invalid_idempotency_key")
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(2))
            // A replay answers with the original command and publishes nothing again.
            #expect(parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands").count == 2)
        }
    }

    @Test("Concurrent retries with one key store one command")
    func concurrentRetries() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            try await WebhookContractTests.setUp(gateway, event: "race")
            let key = try await gateway.createKey()
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await Self.post(
                            gateway, key: key.secret, idempotencyKey: "same", body: #"{"event_id":"race"}"#
                        )
                        .string("command_id")
                    }
                }
                return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            #expect(ids.first != nil)
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(1))
            #expect(parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands").count == 1)
        }
    }
}
