import Foundation
import HTTPTypes
import HookcastCore
import HookcastTestSupport
import Testing

/// Standard Webhooks signatures on the POST form, per key.
@Suite("Signed webhooks")
struct SignedWebhookTests {
    static func signedPost(
        _ gateway: GatewayClient, key: String, secret: String, body: String, id: String = UUID().uuidString,
        timestamp: Int64 = Int64(Date().timeIntervalSince1970), tamper: Bool = false,
        idempotencyKey: String? = nil
    ) async throws -> HTTPResult {
        let signing = try #require(SigningSecret(value: secret))
        let signature = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(body.utf8), secret: signing)
        var headers: HTTPFields = [
            .contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key,
            HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: String(timestamp),
            HTTPField.Name("webhook-signature")!: signature,
        ]
        if let idempotencyKey { headers[HTTPField.Name("idempotency-key")!] = idempotencyKey }
        return try await gateway.request(
            .post, "/public-api/integration/webhooks", headers: headers,
            body: tamper ? body.replacingOccurrences(of: "}", with: ",\"x\":1}") : body)
    }

    @Test("A key that requires signatures refuses unsigned, tampered, stale and GET requests, and takes signed ones")
    func required() async throws {
        let (device, group) = (AcknowledgementTests.unique("sig"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "signed")
            let created = try await gateway.admin(.post, "keys", #"{"name":"signer","require_signature":true}"#)
            #expect(created["require_signature"] == .bool(true))
            #expect(created["signing"] == .bool(true))
            let key = try #require(created.string("key"))
            let secret = try #require(created.string("signing_secret"))
            #expect(secret.hasPrefix("whsec_"))
            let body = #"{"event_id":"signed"}"#

            let unsigned = try await gateway.postWebhook(key: key, body: body)
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.errorCode == "signature_required")
            let get = try await gateway.getWebhook(
                query: "apiKey=\(key)&payload=\(#"{"event_id":"signed"}"#.base64.urlQueryEncoded)")
            #expect(get.errorCode == "signature_required")
            let tampered = try await Self.signedPost(gateway, key: key, secret: secret, body: body, tamper: true)
            #expect(tampered.errorCode == "invalid_signature")
            let stale = try await Self.signedPost(
                gateway, key: key, secret: secret, body: body, timestamp: Int64(Date().timeIntervalSince1970) - 301)
            #expect(stale.errorCode == "invalid_signature")
            #expect(stale.string("detail")?.contains("5 minutes") == true)
            for refused in [unsigned, get, tampered, stale] {
                #expect(refused["message"] == .string("Error"))
                #expect(!refused.text.contains(secret) && !refused.text.contains(key))
            }

            let accepted = try await Self.signedPost(gateway, key: key, secret: secret, body: body, id: "msg_1")
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted["duplicate"] == nil)
            // The same webhook-id again (a sender's retry, or a replay within the 5 minutes): the same command.
            let again = try await Self.signedPost(gateway, key: key, secret: secret, body: body, id: "msg_1")
            #expect(again.status == .ok)
            #expect(again["duplicate"] == .bool(true))
            #expect(again.string("command_id") == accepted.string("command_id"))
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(1))
        }
    }

    @Test("Rotating the signing secret with no grace retires the old one at once; reveal shows the current one")
    func rotation() async throws {
        let (device, group) = (AcknowledgementTests.unique("sig"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "signed")
            let created = try await gateway.admin(.post, "keys", #"{"name":"plain"}"#)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("key")))
            #expect(created["signing_secret"] == nil)
            #expect(created["signing"] == .bool(false))
            let body = #"{"event_id":"signed"}"#
            // Without a requirement, unsigned requests pass.
            #expect(try await gateway.postWebhook(key: key, body: body).status == .ok)

            let first = try #require(
                try await gateway.admin(.post, "keys/\(id)/signing-secret").string("signing_secret"))
            #expect(try await Self.signedPost(gateway, key: key, secret: first, body: body).status == .ok)
            let rotated = try await gateway.admin(.post, "keys/\(id)/signing-secret", #"{"grace_seconds":0}"#)
            #expect(rotated["previous_signing_secret_expires_at"] == nil)
            let second = try #require(rotated.string("signing_secret"))
            #expect(first != second)
            // A signature is always checked when one is sent, required or not.
            #expect(
                try await Self.signedPost(gateway, key: key, secret: first, body: body).errorCode == "invalid_signature"
            )
            #expect(try await Self.signedPost(gateway, key: key, secret: second, body: body).status == .ok)
            #expect(try await gateway.admin(.get, "keys/\(id)/reveal").string("signing_secret") == second)
            // The listing never shows it.
            #expect(!(try await gateway.admin(.get, "keys")).text.contains(second))

            let required = try await gateway.admin(.patch, "keys/\(id)", #"{"require_signature":true}"#)
            #expect(required["require_signature"] == .bool(true))
            #expect(required["signing_secret"] == nil, "the existing secret is kept, not shown again")
            #expect(try await gateway.postWebhook(key: key, body: body).errorCode == "signature_required")
        }
    }
}
