/// Identifies the action a webhook call triggers: 1 to 128 characters of `[A-Za-z0-9_.:-]`.
public struct EventID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `raw`; `field` names the input in the error so the HTTP layer can point at it.
    public init(_ raw: String, field: String = "event_id") throws(ValidationError) {
        try IdentifierRule.event.validate(raw, field: field)
        self.rawValue = raw
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension EventID: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw, field: CodingPath.fieldName(decoder.codingPath, default: "event_id"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
