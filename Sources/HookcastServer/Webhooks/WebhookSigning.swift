import Foundation
import HTTPTypes
import HookcastCore
import Hummingbird

/// Checks a webhook's Standard Webhooks signature against its key: a key that requires signatures refuses
/// unsigned requests, and a signed request is checked whenever the key has a secret, required or not.
enum WebhookSigning {
    static let idHeader = HTTPField.Name("webhook-id")!
    static let timestampHeader = HTTPField.Name("webhook-timestamp")!
    static let signatureHeader = HTTPField.Name("webhook-signature")!

    /// Returns the `webhook-id` of a correctly signed request (the gateway answers a repeated one as a duplicate),
    /// nil for an unsigned request the key allows; throws 401 otherwise. `secrets`: the key's current signing
    /// secret first, then the one a rotation replaced while its grace period runs; empty when the key has none.
    static func check(
        _ request: Request, body: ByteBuffer?, key: APIKey, secrets: [SigningSecret]
    ) throws(APIError) -> String? {
        let signed = request.headers[signatureHeader] != nil
        guard signed || key.requireSignature else { return nil }
        guard let body else {
            throw .unauthorized(
                "signature_required",
                "This API key requires signed requests, and only the POST form can be signed; use POST with the "
                    + "webhook-id, webhook-timestamp and webhook-signature headers.")
        }
        guard signed else {
            throw .unauthorized(
                "signature_required",
                "This API key requires signed requests: send webhook-id, webhook-timestamp and webhook-signature "
                    + "(Standard Webhooks, HMAC-SHA256 over id.timestamp.body).")
        }
        guard !secrets.isEmpty else {
            throw .unauthorized(
                "signature_not_configured", "The request is signed, but this API key has no signing secret.")
        }
        let id = request.headers[idHeader]
        do {
            try WebhookSignature.verify(
                id: id, timestamp: request.headers[timestampHeader], signatures: request.headers[signatureHeader],
                body: body.readableBytesView, secrets: secrets)
        } catch {
            throw .unauthorized("invalid_signature", describe(error))
        }
        guard let id, (1...200).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("invalid_webhook_id", "webhook-id must be 1 to 200 printable ASCII characters.")
        }
        return id
    }

    private static func describe(_ failure: WebhookSignature.Failure) -> String {
        switch failure {
        case .missingHeaders:
            "A signed request needs all three headers: webhook-id, webhook-timestamp and webhook-signature."
        case .invalidTimestamp:
            "webhook-timestamp must be the time in whole seconds since 1970 (UTC)."
        case .timestampOutOfRange:
            "webhook-timestamp is more than 5 minutes away from the gateway's clock; sign the request when sending it."
        case .noValidSignature:
            "No v1 signature in webhook-signature matches the request with this key's signing secret."
        }
    }
}
