import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// The public webhook endpoint, with the product page's contract: POST with `x-webhook-apikey` and a JSON body,
/// or GET with `apiKey` and a Base64 `payload` (or the older `eventId`).
struct WebhookController: Sendable {
    let gateway: Gateway
    let keyGuard: KeyGuard
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
        let found = try await keyGuard.authenticate(request)
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
        let webhookID = try keyGuard.checkSignature(request, body: body, found)
        try keyGuard.takeToken(found.key)
        var webhook = try WebhookRequest.parse(json: Data(buffer: body), source: "body")
        let callerKey = try WebhookRequest.idempotencyKey(in: request)
        // A signed request's id is authenticated by its signature: seen before, it is a duplicate, not a new command.
        // The signature does not cover Idempotency-Key, so that header never replaces the id (ReplayKey).
        webhook.idempotencyKey = webhookID.map(ReplayKey.signed(webhookID:)) ?? callerKey.map(ReplayKey.caller)
        webhook.trace = WebhookRequest.trace(in: request, metrics: gateway.metrics, logger: context.logger)
        return try await trigger(webhook, key: found.key, wait: try WebhookRequest.wait(in: request))
    }

    private func get(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let found = try await keyGuard.authenticate(request)
        _ = try keyGuard.checkSignature(request, body: nil, found)
        try keyGuard.takeToken(found.key)
        var webhook = try WebhookRequest.parse(query: request)
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request).map(ReplayKey.caller)
        webhook.trace = WebhookRequest.trace(in: request, metrics: gateway.metrics, logger: context.logger)
        return try await trigger(webhook, key: found.key, wait: try WebhookRequest.wait(in: request))
    }

    /// Acts on a request whose key passed every check: also what an MQTT trigger comes to (`MQTTTriggerIntake`).
    func trigger(
        _ webhook: WebhookRequest, key: APIKey, wait: Duration?
    ) async throws -> EditedResponse<TriggerResponse> {
        let shown = String(webhook.eventID.prefix(128))
        TriggerNote.current?.named(event: shown)
        guard let eventID = try? EventID(webhook.eventID) else {
            throw APIError.notFound("unknown_event", "No action is registered for event id '\(shown)'.")
        }
        // Before the look-up: a key learns nothing about events outside its scope.
        if let refusal = gateway.keys.refusal(of: key, for: eventID) { throw KeyGuard.forbidden(refusal, key: key) }
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
            idempotencyKey: webhook.idempotencyKey, trace: webhook.trace)
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
