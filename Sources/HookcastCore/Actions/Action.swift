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
    public var params: ActionParameters
    public var target: ActionTarget
    /// How long a device should still carry out the command after it was issued.
    public var ttlSeconds: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// Dates are kept to the millisecond, the precision the store keeps.
    public init(
        eventID: EventID,
        name: String,
        enabled: Bool = true,
        function: ActionFunction,
        params: ActionParameters = ActionParameters(),
        target: ActionTarget,
        ttlSeconds: Int = Action.defaultTTLSeconds,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.eventID = eventID
        self.name = name
        self.enabled = enabled
        self.function = function
        self.params = params
        self.target = target
        self.ttlSeconds = ttlSeconds
        self.createdAt = createdAt.roundedToMilliseconds
        self.updatedAt = updatedAt.roundedToMilliseconds
    }

    /// Checks the name, the TTL and the parameters for the function; returns the action with its name trimmed.
    public func validated() throws(ValidationError) -> Action {
        var action = self
        action.name = try DisplayName.validate(name)
        guard Self.ttlRange.contains(ttlSeconds) else {
            throw ValidationError(
                field: "ttl_seconds",
                message: "must be between \(Self.ttlRange.lowerBound) and \(Self.ttlRange.upperBound)"
            )
        }
        action.params = try params.validated(for: function)
        return action
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case name, enabled, function, params, target
        case ttlSeconds = "ttl_seconds"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            eventID: try container.decode(EventID.self, forKey: .eventID),
            name: try container.decode(String.self, forKey: .name),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            function: try container.decode(ActionFunction.self, forKey: .function),
            params: try container.decodeIfPresent(ActionParameters.self, forKey: .params) ?? ActionParameters(),
            target: try container.decode(ActionTarget.self, forKey: .target),
            ttlSeconds: try container.decodeIfPresent(Int.self, forKey: .ttlSeconds) ?? Self.defaultTTLSeconds,
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt)
        )
    }
}
