import Foundation
import HookcastCore
import Hummingbird

/// The public webhook endpoint, with the product page's contract: POST with `x-webhook-apikey` and a JSON body,
/// or GET with `apiKey` and a Base64 `payload` (or the older `eventId`).
struct WebhookController: Sendable {
    let gateway: Gateway

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
        let key = try await authenticate(request)
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
        var webhook = try WebhookRequest.parse(json: Data(buffer: body), source: "body")
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request)
        return try await trigger(webhook, key: key, wait: try WebhookRequest.wait(in: request))
    }

    private func get(_ request: Request, context: HookcastRequestContext) async throws -> EditedResponse<
        TriggerResponse
    > {
        let key = try await authenticate(request)
        var webhook = try WebhookRequest.parse(query: request)
        webhook.idempotencyKey = try WebhookRequest.idempotencyKey(in: request)
        return try await trigger(webhook, key: key, wait: try WebhookRequest.wait(in: request))
    }

    private func authenticate(_ request: Request) async throws -> APIKey {
        guard let presented = WebhookRequest.presentedKey(in: request) else {
            throw APIError.unauthorized(
                "missing_api_key", "Send the API key in the 'x-webhook-apikey' header or the 'apiKey' parameter.")
        }
        let key: APIKey?
        do {
            key = try await gateway.keys.authenticate(presented)
        } catch {
            throw APIError.storeUnavailable("The API key could not be checked: the store is unavailable.")
        }
        guard let key else {
            throw APIError.unauthorized("invalid_api_key", "The API key is unknown or disabled.")
        }
        return key
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
        let (command, published) = try await gateway.trigger(
            action: action, sensorData: webhook.sensorData, apiKeyID: key.id, source: .webhook,
            idempotencyKey: webhook.idempotencyKey)
        var response = TriggerResponse(command: command, published: published)
        if let wait { response.report = await gateway.waitForAcknowledgements(of: command, wait: wait) }
        return EditedResponse(status: .ok, response: response)
    }
}
