import HookcastProtocol

/// Names a CAP rule in the admin API: 1 to 128 characters of `[A-Za-z0-9_.:-]`, as event ids.
public struct CAPRuleID: ValidatedIdentifier {
    public static let defaultField = "id"
    public let rawValue: String
    /// The event id the rule's commands carry (`cap:` and the rule's id, cut to 128 characters), so the commands
    /// list tells them apart from webhooks'.
    public let eventID: EventID

    public init(_ raw: String, field: String = defaultField) throws(ValidationError) {
        _ = try EventID(raw, field: field)
        self.rawValue = raw
        self.eventID = try EventID("cap:" + raw.prefix(124), field: field)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
