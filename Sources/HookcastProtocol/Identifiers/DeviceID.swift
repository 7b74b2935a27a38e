/// Identifies a device: 1 to 64 characters of `[A-Za-z0-9_-]`, safe to use as an MQTT topic level.
public struct DeviceID: ValidatedIdentifier {
    public static let defaultField = "id"
    public let rawValue: String

    public init(_ raw: String, field: String = defaultField) throws(ValidationError) {
        try IdentifierRule.deviceOrGroup.validate(raw, field: field)
        self.rawValue = raw
    }
}
