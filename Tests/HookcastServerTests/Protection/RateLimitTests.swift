import Foundation
import HookcastTestSupport
import Testing

@Suite("Per-key rate limits")
struct RateLimitTests {
    // Over HTTP, rates so slow that no token comes back while a test runs, however loaded the machine: a refill
    // between two requests would make the outcome depend on timing. The refill itself is KeyRateLimiterTests'.
    @Test("A key past its bucket gets 429 with Retry-After; another key is unaffected")
    func perKeyBucket() async throws {
        let (device, group) = (AcknowledgementTests.unique("rl"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            let busy = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "tick")
            // A token every 1,000 s.
            let created = try await gateway.admin(
                .post, "keys", #"{"name":"slow","rate_limit":{"per_second":0.001,"burst":2}}"#)
            #expect(created["rate_limit"] == .object(["per_second": .number(0.001), "burst": .number(2)]))
            let limited = try #require(created.string("key"))
            var answers: [HTTPResult] = []
            for _ in 0..<4 {
                answers.append(try await gateway.postWebhook(key: limited, body: #"{"event_id":"tick"}"#))
            }
            #expect(answers.prefix(2).allSatisfy { $0.status == .ok })
            #expect(answers.dropFirst(2).allSatisfy { $0.status == .tooManyRequests })
            let refused = try #require(answers.last)
            #expect(refused.errorCode == "rate_limited")
            #expect(refused["message"] == .string("Error"))
            #expect(refused.string("detail")?.contains(limited) == false)
            // Whole seconds until the next token: 1,000 less the time the test took since the bucket emptied.
            let seconds = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect((900...1000).contains(seconds))
            // The default bucket of the other key is untouched.
            for _ in 0..<5 {
                #expect(try await gateway.postWebhook(key: busy, body: #"{"event_id":"tick"}"#).status == .ok)
            }
        }
    }

    @Test("Retry-After is in whole seconds, and a key's limit can be changed and reset to the default")
    func retryAfterAndChanges() async throws {
        let (device, group) = (AcknowledgementTests.unique("rl"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run(configure: { $0.webhookRateLimit = .init(perSecond: 1000, burst: 1000) }) {
            gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "tick")
            let created = try await gateway.admin(.post, "keys", #"{"name":"k"}"#)
            let (id, secret) = (try #require(created.string("id")), try #require(created.string("key")))
            #expect(created["rate_limit"] == .null)
            let changed = try await gateway.admin(
                .patch, "keys/\(id)", #"{"rate_limit":{"per_second":0.001,"burst":1}}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try await gateway.postWebhook(key: secret, body: #"{"event_id":"tick"}"#).status == .ok)
            let refused = try await gateway.postWebhook(key: secret, body: #"{"event_id":"tick"}"#)
            #expect(refused.status == .tooManyRequests)
            let retry = try await gateway.request(
                .post, "/public-api/integration/webhooks",
                headers: [.contentType: "application/json", .init("x-webhook-apikey")!: secret],
                body: #"{"event_id":"tick"}"#)
            #expect(retry.status == .tooManyRequests)
            #expect(retry.text.contains("0.001 requests per second"), "\(retry.text)")
            // A retry-after header in whole seconds: 1 / 0.001 = 1,000 s until the next token, less the time since.
            let seconds = try #require(retry.headers[.retryAfter].flatMap(Int.init))
            #expect((900...1000).contains(seconds))

            let invalid = try await gateway.admin(
                .patch, "keys/\(id)", #"{"name":"renamed","rate_limit":{"per_second":0,"burst":1}}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(try await gateway.admin(.get, "keys/\(id)").string("name") == "k", "nothing changed")

            let reset = try await gateway.admin(.patch, "keys/\(id)", #"{"rate_limit":null}"#)
            #expect(reset["rate_limit"] == .null)
            #expect(try await gateway.postWebhook(key: secret, body: #"{"event_id":"tick"}"#).status == .ok)
        }
    }
}

extension RateLimitTests {
    // Issue 15, finding 5. Before: the token was taken before the signature was checked, so requests with the
    // stolen key and no valid signature emptied the sender's bucket and its signed webhooks got 429.
    @Test("Requests that fail the signature check spend a bucket of their own, never the sender's")
    func signatureFailuresApart() async throws {
        let (device, group) = (AcknowledgementTests.unique("rl"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run { gateway in
            _ = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "tick")
            // A token every 1,000 s: nothing refills while the test runs.
            let created = try await gateway.admin(
                .post, "keys",
                #"{"name":"signer","require_signature":true,"rate_limit":{"per_second":0.001,"burst":2}}"#)
            let key = try #require(created.string("key"))
            let secret = try #require(created.string("signing_secret"))
            let body = #"{"event_id":"tick"}"#
            var failures: [HTTPResult] = []
            for attempt in 0..<4 {
                failures.append(
                    attempt.isMultiple(of: 2)
                        ? try await gateway.postWebhook(key: key, body: body)
                        : try await SignedWebhookTests.signedPost(
                            gateway, key: key, secret: secret, body: body, tamper: true))
            }
            #expect(failures.prefix(2).allSatisfy { $0.status == .unauthorized })
            // Past their own bucket, failures are limited too, with a detail that says which bucket.
            for refused in failures.dropFirst(2) {
                #expect(refused.status == .tooManyRequests)
                #expect(refused.errorCode == "rate_limited")
                #expect(refused.string("detail")?.contains("signature") == true)
                #expect(refused.headers[.retryAfter] != nil)
                #expect(!refused.text.contains(key) && !refused.text.contains(secret))
            }
            // The sender's own bucket is whole: both tokens of its burst are there.
            for _ in 0..<2 {
                let signed = try await SignedWebhookTests.signedPost(gateway, key: key, secret: secret, body: body)
                #expect(signed.status == .ok, "\(signed.text)")
            }
            #expect(
                try await SignedWebhookTests.signedPost(gateway, key: key, secret: secret, body: body).status
                    == .tooManyRequests)
        }
    }
}
