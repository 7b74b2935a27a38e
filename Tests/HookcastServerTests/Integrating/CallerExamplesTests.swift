import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// docs/examples/trigger.py and trigger.mjs, the callers docs/integrating.md gives to copy, against a gateway in
/// this process on a loopback socket: what each prints is held against what the store holds.
enum CallerScenarios {
    /// Unsigned, with an Idempotency-Key: stored once, a repeat with the same id is answered as a duplicate, a wrong
    /// key is refused at once (no retry) with its code.
    static func idempotentCall(_ caller: ExampleCaller) async throws {
        try await InProcessGateway.runAndInspect(.live) { parts in
            let port = try #require(parts.client.port)
            let event = AcknowledgementTests.unique("integrating")
            let key = try await AcknowledgementTests.register(
                parts.client, devices: [AcknowledgementTests.unique("d")], group: AcknowledgementTests.unique("g"),
                event: event)
            let requestID = "order-\(UUID().uuidString)"
            let arguments = [
                event, "--request-id", requestID, "--sensor-data", #"{"id":"door-3","event":"opened","value":"1"}"#,
            ]
            let first = try await CallerProcess.run(caller, port: port, key: key, arguments)
            #expect(first.status == 0, "\(first.output)")
            let id = try #require(first.commandID, "\(first.output)")
            let stored = try #require(try await parts.store.commands.find(id: id))
            #expect(stored.eventID.rawValue == event)
            #expect(first.answer["targets"] == .number(1))
            #expect(first.answer["duplicate"] == nil)

            let again = try await CallerProcess.run(caller, port: port, key: key, arguments)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.commandID == id)
            #expect(again.answer["duplicate"] == .bool(true))
            #expect(try await parts.store.commands.count() == 1)

            let wrong = try await CallerProcess.run(caller, port: port, key: "hk_not-a-key", [event])
            #expect(wrong.status == 1, "\(wrong.output)")
            #expect(wrong.output.contains("HTTP 401 invalid_api_key"), "\(wrong.output)")
            #expect(!wrong.output.contains("retrying"))
            #expect(try await parts.store.commands.count() == 1)
        }
    }

    /// Signed with the key's secret: stored. A wrong secret gets the documented 401 `invalid_signature`, no secret
    /// at all `signature_required`; neither stores anything.
    static func signedCall(_ caller: ExampleCaller) async throws {
        try await InProcessGateway.runAndInspect(.live) { parts in
            let port = try #require(parts.client.port)
            let event = AcknowledgementTests.unique("signed")
            _ = try await AcknowledgementTests.register(
                parts.client, devices: [AcknowledgementTests.unique("d")], group: AcknowledgementTests.unique("g"),
                event: event)
            let created = try await parts.client.admin(.post, "keys", #"{"name":"signer","require_signature":true}"#)
            let key = try #require(created.string("key"), "\(created.text)")
            let secret = try #require(created.string("signing_secret"), "\(created.text)")

            let signed = try await CallerProcess.run(caller, port: port, key: key, secret: secret, [event])
            #expect(signed.status == 0, "\(signed.output)")
            let id = try #require(signed.commandID, "\(signed.output)")
            #expect(try await parts.store.commands.find(id: id)?.eventID.rawValue == event)

            let forged = try await CallerProcess.run(
                caller, port: port, key: key, secret: SigningSecret.generate().value, [event])
            #expect(forged.status == 1, "\(forged.output)")
            #expect(forged.output.contains("HTTP 401 invalid_signature"), "\(forged.output)")
            let unsigned = try await CallerProcess.run(caller, port: port, key: key, [event])
            #expect(unsigned.status == 1, "\(unsigned.output)")
            #expect(unsigned.output.contains("HTTP 401 signature_required"), "\(unsigned.output)")
            #expect(try await parts.store.commands.count() == 1)
        }
    }

    /// The gateway answers 429 `rate_limited` first: the caller waits and sends the same request again until it is
    /// taken. The key's bucket holds one token a 1,000 s, spent by the test, so the caller's first attempts are
    /// refused however slowly it starts; once the test has seen a refusal it raises the key's limit.
    static func retriesARateLimitedCall(_ caller: ExampleCaller) async throws {
        try await InProcessGateway.runAndInspect(.live) { parts in
            let port = try #require(parts.client.port)
            let event = AcknowledgementTests.unique("limited")
            _ = try await AcknowledgementTests.register(
                parts.client, devices: [AcknowledgementTests.unique("d")], group: AcknowledgementTests.unique("g"),
                event: event)
            let created = try await parts.client.admin(
                .post, "keys", #"{"name":"slow","rate_limit":{"per_second":0.001,"burst":1}}"#)
            let (keyID, key) = (try #require(created.string("id")), try #require(created.string("key")))
            #expect(try await parts.client.postWebhook(key: key, body: #"{"event_id":"\#(event)"}"#).status == .ok)

            // Pauses capped at 0.2 s instead of the 1,000 s Retry-After, and attempts enough for any machine.
            let running = try CallerProcess(
                caller, port: port, key: key, [event, "--max-delay", "0.2", "--attempts", "100000"])
            try await running.waitForOutput(containing: "HTTP 429 rate_limited")
            let raised = try await parts.client.admin(
                .patch, "keys/\(keyID)", #"{"rate_limit":{"per_second":1000,"burst":10}}"#)
            #expect(raised.status == .ok, "\(raised.text)")
            let run = try await running.finish()
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("retrying in"))
            let id = try #require(run.commandID, "\(run.output)")
            #expect(try await parts.store.commands.find(id: id) != nil)
            #expect(try await parts.store.commands.count() == 2, "the test's own command and the caller's, once")
        }
    }
}

@Suite("docs/examples/trigger.py against a gateway")
struct PythonCallerTests {
    @Test("Stores the command once, answers a repeat as a duplicate, and refuses a wrong key without retrying")
    func idempotentCall() async throws { try await CallerScenarios.idempotentCall(.python) }

    @Test("Signs with the key's secret; a wrong secret gets 401 invalid_signature")
    func signedCall() async throws { try await CallerScenarios.signedCall(.python) }

    @Test("Retries a 429 with the same request until it is taken")
    func retriesARateLimitedCall() async throws { try await CallerScenarios.retriesARateLimitedCall(.python) }
}

@Suite(
    "docs/examples/trigger.mjs against a gateway",
    .enabled(if: ExampleCaller.node.isInstalled, "node is not installed at /usr/bin/node"))
struct NodeCallerTests {
    @Test("Stores the command once, answers a repeat as a duplicate, and refuses a wrong key without retrying")
    func idempotentCall() async throws { try await CallerScenarios.idempotentCall(.node) }

    @Test("Signs with the key's secret; a wrong secret gets 401 invalid_signature")
    func signedCall() async throws { try await CallerScenarios.signedCall(.node) }

    @Test("Retries a 429 with the same request until it is taken")
    func retriesARateLimitedCall() async throws { try await CallerScenarios.retriesARateLimitedCall(.node) }
}
