import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `/api/v1/actions`: actions by event id, their trigger URL ("generate URL") and "Test action".
struct ActionsController: Sendable {
    let gateway: Gateway
    /// The server root put in generated URLs; nil means the Host the admin request came to.
    let publicURL: String?

    struct ActionRequest: Decodable {
        let eventID: EventID?
        let name: String?
        let enabled: Bool?
        /// One step: `function`, `params` and `target`; several: `steps`, each with the three.
        let function: ActionFunction?
        /// Literal values, and templates filled from each call (`ParameterTemplates`).
        let params: JSONValue?
        let target: ActionTarget?
        let steps: [ActionStep]?
        let ttlSeconds: Int?
        /// Absent: unchanged (on PUT too, so a client that does not know the field keeps it); `null`: removed.
        let callbackURL: String??
        let rotateCallbackSecret: Bool?

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case name, enabled, function, params, target, steps
            case ttlSeconds = "ttl_seconds"
            case callbackURL = "callback_url"
            case rotateCallbackSecret = "rotate_callback_secret"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            eventID = try container.decodeIfPresent(EventID.self, forKey: .eventID)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
            function = try container.decodeIfPresent(ActionFunction.self, forKey: .function)
            params = try container.decodeIfPresent(JSONValue.self, forKey: .params)
            target = try container.decodeIfPresent(ActionTarget.self, forKey: .target)
            steps = try container.decodeIfPresent([ActionStep].self, forKey: .steps)
            ttlSeconds = try container.decodeIfPresent(Int.self, forKey: .ttlSeconds)
            callbackURL = try container.decodeNullable(String.self, forKey: .callbackURL)
            rotateCallbackSecret = try container.decodeIfPresent(Bool.self, forKey: .rotateCallbackSecret)
        }

        /// The action with its callback as asked, and the new signing secret when one was made.
        func action(eventID: EventID, current: Action?, vault: KeyVault) throws -> (Action, SigningSecret?) {
            var action = try action(eventID: eventID, createdAt: current?.createdAt ?? Date())
            let (callback, secret) = try vault.callback(
                current: current?.callback, url: callbackURL, rotate: rotateCallbackSecret ?? false)
            action.callback = callback
            return (action, secret)
        }

        func action(eventID: EventID, createdAt: Date) throws(ValidationError) -> Action {
            let all = try stepsAsked()
            // `stepsAsked` never answers an empty list.
            guard let first = all.first else { throw ValidationError(field: "steps", message: "must not be empty") }
            return try Action(
                eventID: eventID, name: name ?? eventID.rawValue, enabled: enabled ?? true, function: first.function,
                params: first.params, templates: first.templates, target: first.target,
                moreSteps: Array(all.dropFirst()),
                ttlSeconds: ttlSeconds ?? Action.defaultTTLSeconds, createdAt: createdAt, updatedAt: Date()
            ).validated()
        }

        private func stepsAsked() throws(ValidationError) -> [ActionStep] {
            if let steps {
                guard function == nil, params == nil, target == nil else {
                    throw ValidationError(
                        field: "steps", message: "replaces function, params and target: send steps or those, not both")
                }
                guard (1...Action.maximumSteps).contains(steps.count) else {
                    throw ValidationError(field: "steps", message: "must have 1 to \(Action.maximumSteps) entries")
                }
                return steps
            }
            guard let function else { throw ValidationError(field: "function", message: "is required") }
            guard let target else { throw ValidationError(field: "target", message: "is required") }
            let (literal, templates) = try ParameterTemplates.split(params)
            return [
                ActionStep(
                    function: function, params: try ActionParameters.decoded(from: literal), templates: templates,
                    target: target)
            ]
        }
    }

    /// An action as created or updated: with its callback's signing secret when this request made it (shown once).
    struct EditedAction: ResponseEncodable, Sendable {
        let action: Action
        let callbackSecret: SigningSecret?

        func encode(to encoder: any Encoder) throws {
            try action.encode(to: encoder)
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encodeIfPresent(callbackSecret?.value, forKey: DynamicKey("callback_secret"))
        }
    }

    /// What "Test action" sends as the call's body: `sensor_data`, and the fields the action's templates read.
    struct TestRequest: Decodable {
        let fields: [String: JSONValue]
        var sensorData: JSONValue? { fields["sensor_data"].flatMap { $0 == .null ? nil : $0 } }

        init(from decoder: any Decoder) throws {
            fields = try [String: JSONValue](from: decoder)
        }
    }

    struct TriggerURL: ResponseEncodable, Sendable {
        let url: String
        /// Lower case, like every id the API shows (Foundation writes a UUID in upper case).
        let keyID: String
        let curl: String
        enum CodingKeys: String, CodingKey {
            case url
            case keyID = "key_id"
            case curl
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("actions") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await store.actions.all() })
        }
        let vault = gateway.reports.vault
        group.post("actions") { request, context -> EditedResponse<EditedAction> in
            let body = try await RequestBody.decode(ActionRequest.self, from: request, context: context)
            guard let eventID = body.eventID else {
                throw APIError.unprocessable(field: "event_id", "event_id is required.")
            }
            let (action, secret) = try await StoreFailure.mapping {
                let (action, secret) = try body.action(eventID: eventID, current: nil, vault: vault)
                try await store.actions.insert(action)
                return (action, secret)
            }
            await gateway.audit.changed(.action, id: action.eventID.rawValue, "create", after: action)
            return EditedResponse(status: .created, response: EditedAction(action: action, callbackSecret: secret))
        }
        group.get("actions/:event_id") { _, context in try await existing(context) }
        group.put("actions/:event_id") { request, context in
            let current = try await existing(context)
            let body = try await RequestBody.decode(ActionRequest.self, from: request, context: context)
            if let renamed = body.eventID, renamed != current.eventID {
                throw APIError.unprocessable(field: "event_id", "event_id cannot change; create a new action instead.")
            }
            return try await StoreFailure.mapping {
                let (action, secret) = try body.action(eventID: current.eventID, current: current, vault: vault)
                try await store.actions.update(action)
                await gateway.audit.changed(
                    .action, id: action.eventID.rawValue, "update", before: current, after: action)
                return EditedAction(action: action, callbackSecret: secret)
            }
        }
        group.delete("actions/:event_id") { _, context -> Response in
            let action = try await existing(context)
            _ = try await StoreFailure.mapping { try await store.actions.delete(eventID: action.eventID) }
            await gateway.audit.changed(.action, id: action.eventID.rawValue, "delete", before: action)
            return Response(status: .noContent)
        }
        group.get("actions/:event_id/trigger-url") { request, context in
            try await triggerURL(for: try await existing(context), request: request)
        }
        group.post("actions/:event_id/test") { request, context -> TriggerResponse in
            let action = try await existing(context)
            let body = try await RequestBody.decodeIfPresent(TestRequest.self, from: request, context: context)
            var enabled = try await StoreFailure.mapping { try action.filled(from: body?.fields ?? [:]) }
            enabled.enabled = true  // "Test action" runs what is configured, even while the webhook is switched off.
            let outcome = try await gateway.trigger(
                action: enabled, sensorData: body?.sensorData, apiKeyID: nil, source: .test)
            await gateway.audit.changed(
                .action, id: action.eventID.rawValue, "test", commands: outcome.commands.map(\.id))
            return TriggerResponse(outcome: outcome)
        }
    }

    private func existing(_ context: HookcastRequestContext) async throws -> Action {
        let eventID = try PathParameter.require(context, "event_id", what: "action") { try EventID($0) }
        guard let action = try await StoreFailure.mapping({ try await gateway.store.actions.find(eventID: eventID) })
        else {
            throw APIError.notFound("not_found", "There is no action for event id '\(eventID)'.")
        }
        return action
    }

    /// The product page's "generate URL": a GET URL with the key and a Base64 payload, ready to open.
    private func triggerURL(for action: Action, request: Request) async throws -> TriggerURL {
        let keys = try await StoreFailure.mapping { try await gateway.keys.list() }
        let chosen: APIKey
        if let wanted = request.uri.queryParameters.get("key_id") {
            guard let id = UUID(uuidString: wanted), let key = keys.first(where: { $0.id == id }) else {
                throw APIError.notFound("not_found", "There is no API key '\(wanted)'.")
            }
            chosen = key
        } else {
            // The first key that can trigger this event now: a URL that would be refused helps nobody.
            guard
                let key = keys.first(where: {
                    $0.enabled && gateway.keys.refusal(of: $0, for: action.eventID) == nil
                })
            else {
                throw APIError(
                    .conflict, "no_api_key",
                    "There is no enabled, unexpired API key whose scope includes this event; create one first.")
            }
            chosen = key
        }
        let secret = try await StoreFailure.mapping { try await gateway.keys.reveal(id: chosen.id) }
        let root = publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")"
        let payload = Base64URL.encode(Data(#"{"event_id":"\#(action.eventID.rawValue)"}"#.utf8))
        let url = "\(root)/public-api/integration/webhooks?apiKey=\(secret.value)&payload=\(payload)"
        let curl = """
            curl -X POST '\(root)/public-api/integration/webhooks' -H 'Content-Type: application/json' \
            -H 'x-webhook-apikey: \(secret.value)' -d '{"event_id":"\(action.eventID.rawValue)"}'
            """
        return TriggerURL(url: url, keyID: chosen.id.lowercasedString, curl: curl)
    }
}
