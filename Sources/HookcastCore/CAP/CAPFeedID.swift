import HookcastProtocol

/// Names a CAP feed in the admin API: 1 to 128 characters of `[A-Za-z0-9_.:-]`, as rule and event ids.
public struct CAPFeedID: ValidatedIdentifier {
    public static let defaultField = "id"
    public let rawValue: String

    public init(_ raw: String, field: String = defaultField) throws(ValidationError) {
        _ = try EventID(raw, field: field)
        self.rawValue = raw
    }
}
