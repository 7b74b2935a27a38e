import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// What every request made with an API key passes before it acts (the webhook, CAP intake): the key known and
/// enabled, the signature when the key has a signing secret, the key's rate limit.
struct KeyGuard: Sendable {
    let gateway: Gateway
    /// Spent only by requests that passed the signature check, so a stolen key without the signing secret cannot
    /// drain the sender's bucket.
    let rateLimiter: KeyRateLimiter
    /// Requests that failed the signature check, per key, at the key's rate: past it they get 429 instead of 401.
    let signatureFailures: KeyRateLimiter

    struct AuthenticatedKey {
        let key: APIKey
        /// The current signing secret first, then the one a rotation replaced while its grace period runs.
        let signingSecrets: [SigningSecret]
    }

    /// The key, once it is known and enabled; its rate limit is `takeToken`'s, after the signature check.
    func authenticate(_ request: Request) async throws -> AuthenticatedKey {
        guard let presented = WebhookRequest.presentedKey(in: request) else {
            throw APIError.unauthorized(
                "missing_api_key", "Send the API key in the 'x-webhook-apikey' header or the 'apiKey' parameter.")
        }
        let found: (key: APIKey, signingSecret: SigningSecret?, previousSigningSecret: SigningSecret?)?
        do {
            found = try await gateway.keys.authenticateWithSigningSecret(presented)
        } catch {
            throw APIError.storeUnavailable("The API key could not be checked: the store is unavailable.")
        }
        guard let found else {
            throw APIError.unauthorized("invalid_api_key", "The API key is unknown or disabled.")
        }
        TriggerNote.current?.identified(found.key)
        return AuthenticatedKey(
            key: found.key, signingSecrets: [found.signingSecret, found.previousSigningSecret].compactMap { $0 })
    }

    /// `WebhookSigning.check`, with failures counted in a bucket of their own. Every request is checked, even past
    /// that bucket: refusing unchecked would let a stolen key lock the real sender out. What a check costs is
    /// bounded by the body limit, like reading the body.
    func checkSignature(
        _ request: Request, body: ByteBuffer?, _ found: AuthenticatedKey
    ) throws(APIError) -> String? {
        do throws(APIError) {
            return try WebhookSigning.check(request, body: body, key: found.key, secrets: found.signingSecrets)
        } catch let error where error.status == .unauthorized {
            if let wait = signatureFailures.take(for: found.key.id, limit: found.key.rateLimit) {
                throw rateLimited(
                    found.key, wait: wait, subject: "This API key's requests that fail the signature check are")
            }
            throw error
        }
    }

    func takeToken(_ key: APIKey) throws(APIError) {
        try takeToken(key, from: rateLimiter, subject: "This API key is")
    }

    /// A token from `limiter`, a bucket of its own at the key's rate (report reads); `subject` names it in the 429.
    func takeToken(_ key: APIKey, from limiter: KeyRateLimiter, subject: String) throws(APIError) {
        if let wait = limiter.take(for: key.id, limit: key.rateLimit) {
            throw rateLimited(key, wait: wait, subject: subject)
        }
    }

    private func rateLimited(_ key: APIKey, wait: Duration, subject: String) -> APIError {
        let seconds = max(1, Int(wait.timeInterval.rounded(.up)))
        let limit = key.rateLimit ?? rateLimiter.defaultLimit
        return APIError(
            .tooManyRequests, "rate_limited",
            "\(subject) limited to \(Self.describe(limit)); try again in \(seconds) s.",
            headers: [.retryAfter: String(seconds)])
    }

    static func forbidden(_ refusal: APIKeyRefusal, key: APIKey) -> APIError {
        switch refusal {
        case .expired(let at):
            return APIError(
                .forbidden, "key_expired", "This API key expired at \(JSONCoding.timestamp(at)); ask for a new one.")
        case .eventOutOfScope(let event):
            let count = key.eventIDs?.count ?? 0
            return APIError(
                .forbidden, "event_not_in_key_scope",
                "This API key may trigger only its \(count) event\(count == 1 ? "" : "s"); '\(event)' is not one of them."
            )
        }
    }

    private static func describe(_ limit: RateLimit) -> String {
        let rate = limit.perSecond == limit.perSecond.rounded() ? String(Int(limit.perSecond)) : String(limit.perSecond)
        return "\(rate) requests per second (bursts of \(limit.burst))"
    }

}
