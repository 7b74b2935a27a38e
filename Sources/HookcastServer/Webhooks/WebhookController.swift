import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// The public webhook endpoint, with the product page's contract: POST with `x-webhook-apikey` and a JSON body,
/// or GET with `apiKey` and a Base64 `payload` (or the older `eventId`).
struct WebhookController: Sendable {
    let gateway: Gateway
    /// Spent only by requests that passed the signature check, so a stolen key without the signing secret cannot
    /// drain the sender's bucket.
    let rateLimiter: KeyRateLimiter
    /// Requests that failed the signature check, per key, at the key's rate: past it they get 429 instead of 401.
    let signatureFailures: KeyRateLimiter
    let waitSlots: KeyWaitSlots

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.post("public-api/integration/webhooks") { request, context in
            try await gateway.audit.trigger(from: context) { try await post(request, context: context) }
        }
        router.get("public-api/integration/webhooks") { request, context in
            try await gateway.audit.trigger(from: context) { try await get(request, context: context) }
        }
    }

    private func post(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let found = try await authenticate(request)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.hasPrefix("text/json") else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(
                .contentTooLarge, "body_too_large", "The body is larger than \(context.maxUploadSize / 1024) KiB.")
        }
        let webhookID = try checkSignature(request, body: body, found)
        try takeToken(found.key)
        var webhook = try WebhookRequest.parse(json: Data(buffer: body), source: "body")
        let callerKey = try WebhookRequest.idempotencyKey(in: request)
        // A signed request's id is authenticated by its signature: seen before, it is a duplicate, not a new command.
        // The signature does not cover Idempotency-Key, so that header never replaces the id (ReplayKey).
        webhook.idempotencyKey = webhookID.map(ReplayKey.signed(webhookID:)) ?? callerKey.map(ReplayKey.caller)
        return try await trigger(webhook, key: found.key, wait: try WebhookRequest.wait(in: request))
    }

    private func get(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let found = try await authenticate(request)
        _ = try checkSignature(request, body: nil, found)
        try takeToken(found.key)
        var webhook = try WebhookRequest.parse(query: request)
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request).map(ReplayKey.caller)
        return try await trigger(webhook, key: found.key, wait: try WebhookRequest.wait(in: request))
    }

    private struct AuthenticatedKey {
        let key: APIKey
        /// The current signing secret first, then the one a rotation replaced while its grace period runs.
        let signingSecrets: [SigningSecret]
    }

    /// The key, once it is known and enabled; its rate limit is `takeToken`'s, after the signature check.
    private func authenticate(_ request: Request) async throws -> AuthenticatedKey {
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
    private func checkSignature(
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

    private func takeToken(_ key: APIKey) throws(APIError) {
        if let wait = rateLimiter.take(for: key.id, limit: key.rateLimit) {
            throw rateLimited(key, wait: wait, subject: "This API key is")
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

    private static func forbidden(_ refusal: APIKeyRefusal, key: APIKey) -> APIError {
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

    private func trigger(
        _ webhook: WebhookRequest, key: APIKey, wait: Duration?
    ) async throws -> EditedResponse<TriggerResponse> {
        let shown = String(webhook.eventID.prefix(128))
        TriggerNote.current?.named(event: shown)
        guard let eventID = try? EventID(webhook.eventID) else {
            throw APIError.notFound("unknown_event", "No action is registered for event id '\(shown)'.")
        }
        // Before the look-up: a key learns nothing about events outside its scope.
        if let refusal = gateway.keys.refusal(of: key, for: eventID) { throw Self.forbidden(refusal, key: key) }
        let action: Action?
        do {
            action = try await gateway.store.actions.find(eventID: eventID)
        } catch {
            throw APIError.storeUnavailable("The action could not be looked up: the store is unavailable.")
        }
        guard let action else {
            throw APIError.notFound("unknown_event", "No action is registered for event id '\(shown)'.")
        }
        let filled: Action
        do {
            filled = try action.filled(from: webhook.fields)
        } catch {
            throw APIError.unprocessable(field: error.field, error.description)
        }
        let outcome = try await gateway.trigger(
            action: filled, sensorData: webhook.sensorData, apiKeyID: key.id, source: .webhook,
            idempotencyKey: webhook.idempotencyKey)
        let published = !outcome.published.contains(false)
        gateway.metrics.commandAccepted(outcome: outcome.duplicate ? "duplicate" : published ? "published" : "queued")
        var response = TriggerResponse(outcome: outcome)
        if let wait {
            let waited = await waitSlots.withSlot(for: key.id) {
                await gateway.waitForAcknowledgements(of: outcome.commands, wait: wait)
            }
            if let waited {
                response = TriggerResponse(outcome: outcome, reports: waited)
            } else {
                // The key holds its share of the server's request slots in waits already: the command stands, the
                // answer comes at once, and says why it has no report.
                response.waitSkipped = true
                gateway.metrics.webhookWaitSkipped()
            }
        }
        return EditedResponse(status: .ok, response: response)
    }
}
