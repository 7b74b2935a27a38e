/// The name of an integration or observer MQTT account: 1 to 64 characters of `[A-Za-z0-9_-]`, the rule of device
/// and group ids. The broker user name is the kind, a dot and the name (`integration.erp`), and the dot is what
/// keeps it from ever being a device id.
public struct MQTTAccountName: ValidatedIdentifier {
    public static let defaultField = "name"
    public let rawValue: String

    public init(_ raw: String, field: String = defaultField) throws(ValidationError) {
        try IdentifierRule.deviceOrGroup.validate(raw, field: field)
        self.rawValue = raw
    }
}
