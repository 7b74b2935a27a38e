import Foundation
import Testing

@testable import HookcastCore

@Suite struct WebhookSignatureTests {
    /// The example of the Standard Webhooks specification.
    static let secret = SigningSecret(value: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let sentAt = Date(timeIntervalSince1970: 1_614_265_330)

    @Test func signsAsTheSpecificationsExample() throws {
        let secret = try #require(Self.secret)
        #expect(
            WebhookSignature.sign(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Self.body, secret: secret)
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func verifiesAnyMatchingV1SignatureWithinFiveMinutes() throws {
        let secret = try #require(Self.secret)
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        func verify(
            _ signatures: String?, id: String? = "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: String? = "1614265330",
            at offset: TimeInterval = 0
        ) -> WebhookSignature.Failure? {
            do {
                try WebhookSignature.verify(
                    id: id, timestamp: timestamp, signatures: signatures, body: Self.body, secret: secret,
                    now: Self.sentAt.addingTimeInterval(offset))
                return nil
            } catch {
                return error
            }
        }
        #expect(verify(good) == nil)
        #expect(verify("v1,bm9wZQ== " + good) == nil, "one of several (a rotation) is enough")
        #expect(verify(good, at: 299) == nil)
        #expect(verify(good, at: -299) == nil)
        #expect(verify(good, at: 301) == .timestampOutOfRange)
        #expect(verify(good, at: -301) == .timestampOutOfRange)
        #expect(verify("v2," + good.dropFirst(3)) == .noValidSignature)
        #expect(verify("v1,not base64!") == .noValidSignature)
        #expect(verify(good, id: "msg_other") == .noValidSignature)
        #expect(verify(nil) == .missingHeaders)
        #expect(verify(good, id: nil) == .missingHeaders)
        #expect(verify(good, timestamp: "16142653.30") == .invalidTimestamp)
        #expect(verify(good, timestamp: "-1614265330") == .invalidTimestamp)
        #expect(verify(good, timestamp: String(repeating: "9", count: 40)) == .invalidTimestamp)
    }

    @Test func secretsAreMaskedAndChecked() throws {
        let secret = SigningSecret.generate()
        #expect(secret.value.hasPrefix("whsec_"))
        #expect("\(secret)" == "whsec_…")
        #expect(!String(reflecting: secret).contains(secret.value.dropFirst(6)))
        #expect(SigningSecret(value: "whsec_%%%") == nil)
        #expect(SigningSecret(value: "hk_abc") == nil)
    }
}
