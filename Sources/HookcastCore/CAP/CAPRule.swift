import Foundation
import HookcastCAP
import HookcastProtocol

/// Maps CAP alerts to what screens do: the alerts it takes (`match`), the devices (`target`) and how (`response`).
/// Every enabled rule that takes an alert acts on it, so one alert can reach several targets (docs/cap.md).
public struct CAPRule: Sendable, Equatable, Codable {
    public static let defaultToastSeconds = 60

    public var id: CAPRuleID
    public var name: String
    public var enabled: Bool
    public var match: CAPMatch
    public var target: ActionTarget
    public var response: CAPResponse
    /// How long a toast stays, at most until the alert expires.
    public var toastSeconds: Int
    /// Where alerts whose status is not Actual (Exercise, Test, System, Draft) go; nil: they are recorded and not
    /// executed.
    public var testTarget: ActionTarget?
    /// Where a delivery report of each alert's commands through this rule goes (docs/callbacks.md). Not in the
    /// rule's JSON: the admin API shows its URL only, and the stores keep it beside the rule (`StoredCAPRule`).
    public var callback: CallbackTarget?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CAPRuleID, name: String, enabled: Bool = true, match: CAPMatch = CAPMatch(), target: ActionTarget,
        response: CAPResponse = .automatic, toastSeconds: Int = CAPRule.defaultToastSeconds,
        testTarget: ActionTarget? = nil, callback: CallbackTarget? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.match = match
        self.target = target
        self.response = response
        self.toastSeconds = toastSeconds
        self.testTarget = testTarget
        self.callback = callback
        self.createdAt = createdAt.roundedToMilliseconds
        self.updatedAt = updatedAt.roundedToMilliseconds
    }

    /// The rule with its name trimmed, or the first problem, naming its field.
    public func validated() throws(ValidationError) -> CAPRule {
        var rule = self
        rule.name = try DisplayName.validate(name)
        rule.match = try match.validated()
        guard (1...ActionParameters.maxDurationSeconds).contains(toastSeconds) else {
            throw ValidationError(
                field: "toast_seconds", message: "must be from 1 to \(ActionParameters.maxDurationSeconds)")
        }
        for (field, target) in [("target", target), ("test_target", testTarget)] {
            // An emergency is latched per scope, and a tag selection has none (Action.validated says the same).
            if case .tag? = target, response.mayTurnEmergencyOn {
                throw ValidationError(
                    field: "\(field).kind",
                    message: "a rule that may turn emergency mode on targets a device, a group or all, not tags; "
                        + "use \"response\": \"toast\" for tags")
            }
        }
        return rule
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, match, target, response
        case toastSeconds = "toast_seconds"
        case testTarget = "test_target"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(CAPRuleID.self, forKey: .id),
            name: try container.decode(String.self, forKey: .name),
            enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            match: try container.decodeIfPresent(CAPMatch.self, forKey: .match) ?? CAPMatch(),
            target: try container.decode(ActionTarget.self, forKey: .target),
            response: try container.decodeIfPresent(CAPResponse.self, forKey: .response) ?? .automatic,
            toastSeconds: try container.decodeIfPresent(Int.self, forKey: .toastSeconds) ?? Self.defaultToastSeconds,
            testTarget: try container.decodeIfPresent(ActionTarget.self, forKey: .testTarget),
            createdAt: try container.decodeTimestamp(forKey: .createdAt),
            updatedAt: try container.decodeTimestamp(forKey: .updatedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(match, forKey: .match)
        try container.encode(target, forKey: .target)
        try container.encode(response, forKey: .response)
        try container.encode(toastSeconds, forKey: .toastSeconds)
        try container.encode(testTarget, forKey: .testTarget)
        try container.encode(JSONCoding.timestamp(createdAt), forKey: .createdAt)
        try container.encode(JSONCoding.timestamp(updatedAt), forKey: .updatedAt)
    }
}
