import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// The public webhook endpoint, with the product page's contract: POST with `x-webhook-apikey` and a JSON body,
/// or GET with `apiKey` and a Base64 `payload` (or the older `eventId`).
struct WebhookController: Sendable {
    let gateway: Gateway
    let rateLimiter: KeyRateLimiter

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.post("public-api/integration/webhooks") { request, context in
            try await post(request, context: context)
        }
        router.get("public-api/integration/webhooks") { request, context in
            try await get(request, context: context)
        }
    }

    private func post(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let (key, signingSecret) = try await authenticate(request)
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
        let webhookID = try WebhookSigning.check(request, body: body, key: key, secret: signingSecret)
        var webhook = try WebhookRequest.parse(json: Data(buffer: body), source: "body")
        // A signed request's id is authenticated by its signature: seen before, it is a duplicate, not a new command.
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request) ?? webhookID.map { "webhook-id:\($0)" }
        return try await trigger(webhook, key: key, wait: try WebhookRequest.wait(in: request))
    }

    private func get(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let (key, signingSecret) = try await authenticate(request)
        _ = try WebhookSigning.check(request, body: nil, key: key, secret: signingSecret)
        var webhook = try WebhookRequest.parse(query: request)
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request)
        return try await trigger(webhook, key: key, wait: try WebhookRequest.wait(in: request))
    }

    /// The key, once it is known, enabled and within its rate limit.
    private func authenticate(_ request: Request) async throws -> (APIKey, SigningSecret?) {
        guard let presented = WebhookRequest.presentedKey(in: request) else {
            throw APIError.unauthorized(
                "missing_api_key", "Send the API key in the 'x-webhook-apikey' header or the 'apiKey' parameter.")
        }
        let found: (key: APIKey, signingSecret: SigningSecret?)?
        do {
            found = try await gateway.keys.authenticateWithSigningSecret(presented)
        } catch {
            throw APIError.storeUnavailable("The API key could not be checked: the store is unavailable.")
        }
        guard let found else {
            throw APIError.unauthorized("invalid_api_key", "The API key is unknown or disabled.")
        }
        if let wait = rateLimiter.take(for: found.key.id, limit: found.key.rateLimit) {
            let seconds = max(1, Int(wait.timeInterval.rounded(.up)))
            let limit = found.key.rateLimit ?? rateLimiter.defaultLimit
            throw APIError(
                .tooManyRequests, "rate_limited",
                "This API key is limited to \(Self.describe(limit)); try again in \(seconds) s.",
                headers: [.retryAfter: String(seconds)])
        }
        return (found.key, found.signingSecret)
    }

    private static func describe(_ limit: RateLimit) -> String {
        let rate = limit.perSecond == limit.perSecond.rounded() ? String(Int(limit.perSecond)) : String(limit.perSecond)
        return "\(rate) requests per second (bursts of \(limit.burst))"
    }

    private func trigger(
        _ webhook: WebhookRequest, key: APIKey, wait: Duration?
    ) async throws -> EditedResponse<TriggerResponse> {
        let shown = String(webhook.eventID.prefix(128))
        guard let eventID = try? EventID(webhook.eventID) else {
            throw APIError.notFound("unknown_event", "No action is registered for event id '\(shown)'.")
        }
        let action: Action?
        do {
            action = try await gateway.store.actions.find(eventID: eventID)
        } catch {
            throw APIError.storeUnavailable("The action could not be looked up: the store is unavailable.")
        }
        guard let action else {
            throw APIError.notFound("unknown_event", "No action is registered for event id '\(shown)'.")
        }
        let (command, published, duplicate) = try await gateway.trigger(
            action: action, sensorData: webhook.sensorData, apiKeyID: key.id, source: .webhook,
            idempotencyKey: webhook.idempotencyKey)
        gateway.metrics.commandAccepted(outcome: duplicate ? "duplicate" : published ? "published" : "queued")
        var response = TriggerResponse(command: command, published: published)
        response.duplicate = duplicate
        if let wait { response.report = await gateway.waitForAcknowledgements(of: command, wait: wait) }
        return EditedResponse(status: .ok, response: response)
    }
}
