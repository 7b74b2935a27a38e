import Foundation
import HookcastProtocol

/// What happens when a webhook call names `eventID`: a function with parameters, sent to a target.
public struct Action: Sendable, Codable, Equatable {
    public static let defaultTTLSeconds = 300
    /// One week: a command older than that is no longer worth delivering.
    public static let ttlRange = 1...604_800

    public var eventID: EventID
    public var name: String
    public var enabled: Bool
    public var function: ActionFunction
    /// The literal parameters; those filled from each call are in `templates`.
    public var params: ActionParameters
    /// Parameters filled from the webhook's body (`filled(from:)`); empty for most actions.
    public var templates: ParameterTemplates
    public var target: ActionTarget
    /// The steps after the first, for an action that does several things at once (the first step is `function`,
    /// `params`, `templates` and `target`); empty for most actions.
    public var moreSteps: [ActionStep]
    /// How long a device should still carry out the command after it was issued.
    public var ttlSeconds: Int
    /// Where a delivery report of each call goes (docs/callbacks.md); wins over the calling key's. Only the URL is
    /// shown; the secret is shown once, by the response that set it.
    public var callback: CallbackTarget?
    public var createdAt: Date
    public var updatedAt: Date

    /// Dates are kept to the millisecond, the precision the store keeps.
    public init(
        eventID: EventID,
        name: String,
        enabled: Bool = true,
        function: ActionFunction,
        params: ActionParameters = ActionParameters(),
        templates: ParameterTemplates = ParameterTemplates(),
        target: ActionTarget,
        moreSteps: [ActionStep] = [],
        ttlSeconds: Int = Action.defaultTTLSeconds,
        callback: CallbackTarget? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.eventID = eventID
        self.name = name
        self.enabled = enabled
        self.function = function
        self.params = params
        self.templates = templates
        self.target = target
        self.moreSteps = moreSteps
        self.ttlSeconds = ttlSeconds
        self.callback = callback
        self.createdAt = createdAt.roundedToMilliseconds
        self.updatedAt = updatedAt.roundedToMilliseconds
    }

    /// Checks the name, the TTL and each step's parameters for its function; returns the action with its name
    /// trimmed. A step's problem names it: `steps[1].params.url`.
    public func validated() throws(ValidationError) -> Action {
        guard !moreSteps.isEmpty else { return try validatedStep() }
        guard steps.count <= Self.maximumSteps else {
            throw ValidationError(field: "steps", message: "must have at most \(Self.maximumSteps) entries")
        }
        var validated: [Action] = []
        for (index, step) in stepActions.enumerated() {
            do {
                validated.append(try step.validatedStep())
            } catch  where ["function", "target", "params"].contains(where: { error.field.hasPrefix($0) }) {
                throw ValidationError(field: "steps[\(index)].\(error.field)", message: error.message)
            }
        }
        return Self(steps: validated, of: self)
    }

    /// The checks of one step (the action's own function, params and target).
    private func validatedStep() throws(ValidationError) -> Action {
        guard function != .cancelCommand else {
            throw ValidationError(
                field: "function", message: "cancel_command is sent by the gateway when a command is cancelled")
        }
        if function == .emergency, case .tag = target {
            // An emergency is latched per scope, in a retained message each device subscribes to; a tag selection
            // has no such single topic (and its members change), so emergencies go to devices, groups or all.
            throw ValidationError(
                field: "target.kind", message: "an emergency targets a device, a group or all, not tags")
        }
        var action = self
        action.name = try DisplayName.validate(name)
        guard Self.ttlRange.contains(ttlSeconds) else {
            throw ValidationError(
                field: "ttl_seconds",
                message: "must be between \(Self.ttlRange.lowerBound) and \(Self.ttlRange.upperBound)"
            )
        }
        guard !templates.isEmpty else {
            action.params = try params.validated(for: function)
            return action
        }
        // Checked with a stand-in for each template (required fields, other functions' fields); the templated
        // fields are checked again with each call's values.
        try templates.checkParameterNames()
        let literal = JSONValue(encoding: params)
        _ = try ActionParameters.decoded(from: templates.withStandIns(literal)).validated(for: function)
        action.params = params
        return action
    }

    /// The action with its templates filled from a call's `body` and the result checked like literal parameters:
    /// a value that is missing or does not fit throws naming the body's field.
    public func filled(from body: [String: JSONValue]) throws(ValidationError) -> Action {
        guard moreSteps.isEmpty else {
            var filled: [Action] = []
            for step in stepActions { filled.append(try step.filled(from: body)) }
            return Self(steps: filled, of: self)
        }
        guard !templates.isEmpty else { return self }
        let json = try templates.filled(from: body, into: JSONValue(encoding: params))
        var action = self
        do {
            action.params = try ActionParameters.decoded(from: json).validated(for: function)
        } catch {
            let parameter = error.field.hasPrefix("params.") ? String(error.field.dropFirst("params.".count)) : ""
            guard let source = templates.source(of: parameter) else { throw error }
            throw ValidationError(field: source, message: "fills params.\(parameter), which \(error.message)")
        }
        action.templates = ParameterTemplates()
        return action
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case name, enabled, function, params, target, steps
        case ttlSeconds = "ttl_seconds"
        case callbackURL = "callback_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The templates as the stores keep them: nil when there are none.
    public var storedTemplates: ParameterTemplates? { templates.isEmpty ? nil : templates }

    /// `params` as the admin API shows it: the literal parameters with the templates among them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(name, forKey: .name)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(function, forKey: .function)
        try templates.write(params, into: &container, forKey: .params)
        try container.encode(target, forKey: .target)
        if !moreSteps.isEmpty { try container.encode(steps, forKey: .steps) }
        try container.encode(ttlSeconds, forKey: .ttlSeconds)
        try container.encode(callback?.url, forKey: .callbackURL)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let (literal, templates) = try ParameterTemplates.split(
            container.decodeIfPresent(JSONValue.self, forKey: .params))
        self.init(
            eventID: try container.decode(EventID.self, forKey: .eventID),
            name: try container.decode(String.self, forKey: .name),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            function: try container.decode(ActionFunction.self, forKey: .function),
            params: try ActionParameters.decoded(from: literal),
            templates: templates,
            target: try container.decode(ActionTarget.self, forKey: .target),
            moreSteps: Array((try container.decodeIfPresent([ActionStep].self, forKey: .steps) ?? []).dropFirst()),
            ttlSeconds: try container.decodeIfPresent(Int.self, forKey: .ttlSeconds) ?? Self.defaultTTLSeconds,
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt)
        )
    }
}

extension Action {
    /// An action does at most this many things at once.
    public static let maximumSteps = 10

    /// Every step in order: the action's own function, params and target first.
    public var steps: [ActionStep] {
        [ActionStep(function: function, params: params, templates: templates, target: target)] + moreSteps
    }

    /// Each step as an action of its own (same event, name, TTL), so planning and filling work on one step as
    /// they do on a single-step action.
    public var stepActions: [Action] {
        steps.map { step in
            var action = self
            action.function = step.function
            action.params = step.params
            action.templates = step.templates
            action.target = step.target
            action.moreSteps = []
            return action
        }
    }

    /// `action` with the function, params and target of each of `steps` (`steps` is not empty: one per step).
    init(steps: [Action], of action: Action) {
        self = steps.first ?? action
        self.moreSteps = steps.dropFirst().map {
            ActionStep(function: $0.function, params: $0.params, templates: $0.templates, target: $0.target)
        }
    }

    /// The steps after the first as the stores keep them: nil when there are none.
    public var storedMoreSteps: [ActionStep]? { moreSteps.isEmpty ? nil : moreSteps }
}
