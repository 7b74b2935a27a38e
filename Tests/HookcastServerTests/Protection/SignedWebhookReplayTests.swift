import Foundation
import HTTPTypes
import HookcastCore
import HookcastTestSupport
import Testing

/// Issue 15, finding 1 and the signing-secret rotation: a signed request's replay key is its webhook-id whatever
/// Idempotency-Key says, callers' keys live apart from it, and a rotated-out secret keeps working for its grace.
@Suite("Signed webhook replays and secret rotation")
struct SignedWebhookReplayTests {
    private static func unsignedPost(_ gateway: GatewayClient, key: String, body: String, idempotencyKey: String)
        async throws -> HTTPResult
    {
        try await gateway.request(
            .post, "/public-api/integration/webhooks",
            headers: [
                .contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key,
                HTTPField.Name("idempotency-key")!: idempotencyKey,
            ],
            body: body)
    }

    // Before: the caller's Idempotency-Key replaced the webhook-id as the replay key, so each fresh value made
    // the captured request a new command.
    @Test("A signed request re-sent with fresh Idempotency-Key values is the same command")
    func replayWithFreshIdempotencyKeys() async throws {
        let (device, group) = (AcknowledgementTests.unique("rp"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "alarm-on")
            let created = try await gateway.admin(.post, "keys", #"{"name":"signer","require_signature":true}"#)
            let key = try #require(created.string("key"))
            let secret = try #require(created.string("signing_secret"))
            let body = #"{"event_id":"alarm-on"}"#
            let timestamp = Int64(Date().timeIntervalSince1970)
            let first = try await SignedWebhookTests.signedPost(
                gateway, key: key, secret: secret, body: body, id: "msg_on", timestamp: timestamp,
                idempotencyKey: "one")
            #expect(first.status == .ok, "\(first.text)")
            for fresh in ["two", "three", "webhook-id:msg_on"] {
                let replay = try await SignedWebhookTests.signedPost(
                    gateway, key: key, secret: secret, body: body, id: "msg_on", timestamp: timestamp,
                    idempotencyKey: fresh)
                #expect(replay.status == .ok)
                #expect(replay["duplicate"] == .bool(true))
                #expect(replay.string("command_id") == first.string("command_id"))
            }
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(1))
        }
    }

    // Before: an unsigned `Idempotency-Key: webhook-id:<id>` was stored under the very key a signed request with
    // that id uses, so it burnt the id: the signed request later came back as a duplicate of the unsigned one.
    @Test("An unsigned Idempotency-Key of the form webhook-id:<id> cannot burn a signed id")
    func callerKeysLiveApart() async throws {
        let (device, group) = (AcknowledgementTests.unique("rp"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "alarm-on")
            let created = try await gateway.admin(.post, "keys", #"{"name":"mixed"}"#)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("key")))
            let secret = try #require(
                try await gateway.admin(.post, "keys/\(id)/signing-secret").string("signing_secret"))
            let body = #"{"event_id":"alarm-on"}"#
            let forged = try await Self.unsignedPost(gateway, key: key, body: body, idempotencyKey: "webhook-id:future")
            #expect(forged.status == .ok)
            let signed = try await SignedWebhookTests.signedPost(
                gateway, key: key, secret: secret, body: body, id: "future")
            #expect(signed.status == .ok)
            #expect(signed["duplicate"] == nil, "the signed id is not taken by the unsigned caller's key")
            #expect(signed.string("command_id") != forged.string("command_id"))
            // Each namespace still answers its own retries: the caller's key, escaped or not, and the signed id.
            for caller in ["webhook-id:future", "~tilde", "plain"] {
                let original = try await Self.unsignedPost(gateway, key: key, body: body, idempotencyKey: caller)
                let retry = try await Self.unsignedPost(gateway, key: key, body: body, idempotencyKey: caller)
                #expect(retry["duplicate"] == .bool(true))
                #expect(retry.string("command_id") == original.string("command_id"))
            }
            let signedRetry = try await SignedWebhookTests.signedPost(
                gateway, key: key, secret: secret, body: body, id: "future")
            #expect(signedRetry.string("command_id") == signed.string("command_id"))
        }
    }

    // Before: rotating retired the old secret at once, and the API said nothing about a grace period.
    @Test("A rotated-out secret is accepted for the grace period the rotation gives, and the API shows until when")
    func rotationGrace() async throws {
        let (device, group) = (AcknowledgementTests.unique("rp"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "alarm-on")
            let created = try await gateway.admin(.post, "keys", #"{"name":"signer","require_signature":true}"#)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("key")))
            let old = try #require(created.string("signing_secret"))
            #expect(created["previous_signing_secret_expires_at"] == nil)
            let body = #"{"event_id":"alarm-on"}"#

            let before = Date()
            let rotated = try await gateway.admin(.post, "keys/\(id)/signing-secret")
            #expect(rotated.status == .created)
            let new = try #require(rotated.string("signing_secret"))
            // The default grace: a day.
            let until = try #require(rotated.string("previous_signing_secret_expires_at"))
            let expiry = try #require(ISO8601DateFormatter.withFractionalSeconds.date(from: until))
            #expect(abs(expiry.timeIntervalSince(before) - 86_400) < 600)
            #expect(try await gateway.admin(.get, "keys/\(id)")["previous_signing_secret_expires_at"] == .string(until))
            let listed = try await gateway.admin(.get, "keys")
            #expect(listed.text.contains(until) && !listed.text.contains(old) && !listed.text.contains(new))
            #expect(try await gateway.admin(.get, "keys/\(id)/reveal").string("signing_secret") == new)

            for secret in [old, new] {
                let answer = try await SignedWebhookTests.signedPost(gateway, key: key, secret: secret, body: body)
                #expect(answer.status == .ok, "\(answer.text)")
            }

            for invalid in [#"{"grace_seconds":-1}"#, #"{"grace_seconds":2592001}"#, #"{"grace_seconds":"soon"}"#] {
                let refused = try await gateway.admin(.post, "keys/\(id)/signing-secret", invalid)
                #expect(refused.status == .unprocessableContent, "\(invalid): \(refused.text)")
                #expect(refused.text.contains("grace_seconds"))
            }
            #expect(try await gateway.admin(.get, "keys/\(id)/reveal").string("signing_secret") == new, "unchanged")

            // An hour's grace given explicitly; the secret that was in its grace is dropped.
            let again = try await gateway.admin(.post, "keys/\(id)/signing-secret", #"{"grace_seconds":3600}"#)
            let third = try #require(again.string("signing_secret"))
            #expect(again["previous_signing_secret_expires_at"] != nil)
            #expect(
                try await SignedWebhookTests.signedPost(gateway, key: key, secret: old, body: body).errorCode
                    == "invalid_signature")
            for secret in [new, third] {
                #expect(
                    try await SignedWebhookTests.signedPost(gateway, key: key, secret: secret, body: body).status == .ok
                )
            }
        }
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
