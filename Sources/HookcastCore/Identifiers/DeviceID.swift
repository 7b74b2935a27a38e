/// Identifies a device: 1 to 64 characters of `[A-Za-z0-9_-]`, safe to use as an MQTT topic level.
public struct DeviceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `raw`; `field` names the input in the error so the HTTP layer can point at it.
    public init(_ raw: String, field: String = "id") throws(ValidationError) {
        try IdentifierRule.deviceOrGroup.validate(raw, field: field)
        self.rawValue = raw
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension DeviceID: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw, field: CodingPath.fieldName(decoder.codingPath, default: "id"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
