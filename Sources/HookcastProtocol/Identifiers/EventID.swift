/// Identifies the action a webhook call triggers: 1 to 128 characters of `[A-Za-z0-9_.:-]`.
public struct EventID: ValidatedIdentifier {
    public static let defaultField = "event_id"
    public let rawValue: String

    public init(_ raw: String, field: String = defaultField) throws(ValidationError) {
        try IdentifierRule.event.validate(raw, field: field)
        self.rawValue = raw
    }
}
