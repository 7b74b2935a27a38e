import Foundation
import HTTPTypes
import HookcastProtocol
import Hummingbird

/// What a webhook call asks for, read from a POST body or a GET query, before anything is looked up.
struct WebhookRequest: Sendable {
    var eventID: String
    var sensorData: JSONValue?
    var idempotencyKey: String?
    /// The body's fields (the GET payload's too), for the action's templates (`ParameterTemplates`).
    var fields: [String: JSONValue] = [:]
    /// From the `traceparent` and `tracestate` headers (`WebhookRequest+Trace.swift`), on both forms.
    var trace: TraceContext?

    /// The key from the `x-webhook-apikey` header, or else from the `apiKey` query parameter.
    static func presentedKey(in request: Request) -> String? {
        if let header = request.headers[webhookAPIKeyHeader], !header.isEmpty { return header }
        if let query = request.uri.queryParameters.get("apiKey"), !query.isEmpty { return query }
        return nil
    }

    /// Parses the JSON document of a POST body, or of a GET payload after Base64 decoding.
    /// `eventID`: the event when the document names none (an MQTT trigger's topic names it).
    static func parse(json data: Data, source: String, eventID topicEventID: String? = nil) throws(APIError)
        -> WebhookRequest
    {
        let document: JSONValue
        do {
            document = try UntrustedJSON.decode(data)
        } catch .notUTF8 {
            throw .badRequest("invalid_json", "The \(source) is not valid UTF-8.")
        } catch .nestedTooDeeply {
            throw .badRequest(
                "invalid_json", "The \(source) is nested more than \(UntrustedJSON.maximumDepth) levels deep.")
        } catch {
            throw .badRequest("invalid_json", "The \(source) is not valid JSON.")
        }
        guard case .object(let fields) = document else {
            throw .badRequest("invalid_json", "The \(source) must be a JSON object with an \"event_id\".")
        }
        let eventID: String
        switch fields["event_id"] {
        case .string(let value) where !value.isEmpty:
            eventID = value
        case .number(let value) where value.rounded() == value && abs(value) < 1e15:
            eventID = String(Int64(value))
        case .none where topicEventID != nil, .null? where topicEventID != nil:
            eventID = topicEventID ?? ""
        case .none, .null?, .string?:
            throw .badRequest("missing_event_id", "The \(source) has no \"event_id\".")
        default:
            throw .badRequest("invalid_event_id", "\"event_id\" must be a string.")
        }
        var sensorData = fields["sensor_data"]
        if sensorData == .null { sensorData = nil }
        return WebhookRequest(eventID: eventID, sensorData: sensorData, fields: fields)
    }

    /// The GET form: `?apiKey=…&payload=<Base64 JSON>`, or the older `?apiKey=…&eventId=…`.
    static func parse(query request: Request) throws(APIError) -> WebhookRequest {
        let parameters = request.uri.queryParameters
        if let payload = parameters.get("payload"), !payload.isEmpty {
            guard let data = Base64URL.decode(payload) else {
                throw .badRequest("invalid_base64", "The payload parameter is not valid Base64.")
            }
            return try parse(json: data, source: "payload")
        }
        if let eventID = parameters.get("eventId") ?? parameters.get("event_id"), !eventID.isEmpty {
            return WebhookRequest(eventID: eventID, sensorData: nil)
        }
        throw .badRequest(
            "missing_event_id",
            "Give either a 'payload' parameter (Base64 JSON with event_id) or an 'eventId' parameter.")
    }
}

extension WebhookRequest {
    /// `?wait=SECONDS` or `x-hookcast-wait: SECONDS`: hold the answer until every expected device acknowledged,
    /// at most that long (up to `Gateway.maximumWait`).
    static func wait(in request: Request) throws(APIError) -> Duration? {
        try wait(request.uri.queryParameters.get("wait").map({ String($0) }) ?? request.headers[waitHeader])
    }

    /// The wait as given (the query parameter, the header, an MQTT trigger's `wait` user property).
    static func wait(_ raw: String?) throws(APIError) -> Duration? {
        guard let raw else { return nil }
        let limit = Gateway.maximumWait.components.seconds
        guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= Double(limit) else {
            throw .badRequest("invalid_wait", "wait must be a number of seconds above 0 and at most \(limit).")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}

extension WebhookRequest {
    /// `Idempotency-Key`: 1 to 255 printable ASCII characters.
    static func idempotencyKey(in request: Request) throws(APIError) -> String? {
        try idempotencyKey(request.headers[idempotencyKeyHeader])
    }

    /// The key as given (the header, an MQTT trigger's `Idempotency-Key` user property).
    static func idempotencyKey(_ key: String?) throws(APIError) -> String? {
        guard let key else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest(
                "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces."
            )
        }
        return key
    }
}

let webhookAPIKeyHeader = HTTPField.Name("x-webhook-apikey")!
let idempotencyKeyHeader = HTTPField.Name("idempotency-key")!
let waitHeader = HTTPField.Name("x-hookcast-wait")!
