import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird
import Logging
import Mosquitto

/// Acts on an MQTT trigger exactly as on the HTTP webhook with the integration account's API key (validation, key
/// scope and expiry, rate limit, `Idempotency-Key`, `wait`), and makes the answer the webhook would have given: the
/// same JSON, with the HTTP status in the user property `status`, for the account's response topic. The broker's
/// login stands for the key and its signature: the account's password is the secret, and the plugin attests who
/// sent each trigger.
struct MQTTTriggerIntake: Sendable {
    let gateway: Gateway
    let keyGuard: KeyGuard
    let webhook: WebhookController
    let topics: Topics
    /// The API key id an integration account is bound to; nil when there is no such account (any more).
    let integrationKey: @Sendable (String) async throws -> UUID?
    let logger: Logger

    /// What to publish in answer, and where.
    struct Answer: Sendable, Equatable {
        var topic: String
        var payload: [UInt8]
        var properties: MQTTPublishProperties
        var status: Int
    }

    /// The answer to publish, or nil when the trigger asked for none (no response topic) or is no attested trigger.
    func handle(_ message: MQTTMessage) async -> Answer? {
        guard let trigger = MQTTTrigger(message, topics: topics) else {
            gateway.metrics.mqttTriggerReceived(outcome: "unattested")
            logger.warning(
                "MQTT trigger without the broker's attestation ignored", metadata: ["topic": "\(message.topic)"])
            return nil
        }
        guard let answerTopic = trigger.answerTopic(topics: topics) else {
            // Answered on the account's own topic, the one place it may read and nobody else may.
            gateway.metrics.mqttTriggerReceived(outcome: "refused")
            let error = APIError.badRequest(
                "invalid_response_topic",
                "The response topic must be \(MQTTTrigger.answers(of: trigger.account, topics: topics)) or below it; "
                    + "nothing was done.")
            return answer(error, for: trigger, on: MQTTTrigger.answers(of: trigger.account, topics: topics))
        }
        let (status, body) = await gateway.audit.trigger(viaMQTT: trigger.account) {
            try await act(on: trigger)
        }
        gateway.metrics.mqttTriggerReceived(outcome: status < 300 ? "accepted" : "refused")
        guard trigger.responseTopic != nil else { return nil }
        return Answer(
            topic: answerTopic, payload: body, properties: properties(for: trigger, status: status), status: status)
    }

    private func act(on trigger: MQTTTrigger) async throws -> EditedResponse<TriggerResponse> {
        let key: APIKey?
        do {
            guard let keyID = try await integrationKey(trigger.account) else {
                throw APIError.unauthorized("unknown_integration", "This integration account no longer exists.")
            }
            key = try await gateway.keys.get(id: keyID)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.storeUnavailable("The integration account could not be checked: the store is unavailable.")
        }
        guard let key, key.enabled, key.scope == APIKey.webhookScope else {
            throw APIError.unauthorized("invalid_api_key", "The integration account's API key is unknown or disabled.")
        }
        TriggerNote.current?.identified(key)
        guard trigger.payload.count <= Self.maximumPayload else {
            throw APIError(
                .contentTooLarge, "body_too_large", "The payload is larger than \(Self.maximumPayload / 1024) KiB.")
        }
        if let contentType = trigger.contentType?.lowercased(),
            !(contentType.hasPrefix("application/json") || contentType.hasPrefix("text/json"))
        {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "Send the payload as JSON (content type application/json, or none).")
        }
        try keyGuard.takeToken(key)
        // An empty payload is the event alone; a payload without event_id takes the topic's.
        let payload = trigger.payload.isEmpty ? Array("{}".utf8) : trigger.payload
        var request = try WebhookRequest.parse(json: Data(payload), source: "payload", eventID: trigger.eventID)
        guard request.eventID == trigger.eventID else {
            throw APIError.badRequest(
                "event_id_mismatch",
                "The payload's event_id '\(request.eventID.prefix(128))' is not the topic's '\(trigger.eventID.prefix(128))'."
            )
        }
        request.idempotencyKey = try WebhookRequest.idempotencyKey(trigger.idempotencyKey).map(ReplayKey.caller)
        request.trace = trace(of: trigger)
        return try await webhook.trigger(request, key: key, wait: try WebhookRequest.wait(trigger.wait))
    }

    /// As the webhook's headers: a trace context that does not parse is ignored (W3C Trace Context says to start a
    /// new trace then), and counted.
    private func trace(of trigger: MQTTTrigger) -> TraceContext? {
        do {
            return try TraceContext.read(traceparents: trigger.traceparents, tracestates: trigger.tracestates)
        } catch {
            gateway.metrics.traceContextIgnored(error)
            return nil
        }
    }

    /// As the webhook's body limit.
    static let maximumPayload = 64 * 1024

    private func answer(_ error: APIError, for trigger: MQTTTrigger, on topic: String) -> Answer {
        let status = Int(error.status.code)
        return Answer(
            topic: topic, payload: MQTTTriggerAnswerBody.error(error),
            properties: properties(for: trigger, status: status), status: status)
    }

    private func properties(for trigger: MQTTTrigger, status: Int) -> MQTTPublishProperties {
        MQTTPublishProperties(
            correlationData: trigger.correlationData, contentType: "application/json",
            userProperties: [MQTTUserProperty("status", String(status))])
    }
}
