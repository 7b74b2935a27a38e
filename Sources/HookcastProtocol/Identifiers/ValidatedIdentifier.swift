/// An identifier that is a validated string: the one implementation of comparison, printing and JSON coding that
/// `DeviceID`, `GroupID` and `EventID` share. Decoding validates and names the JSON field in its error.
public protocol ValidatedIdentifier: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    var rawValue: String { get }
    /// Validates `raw`; `field` names the input in the error so the HTTP layer can point at it.
    init(_ raw: String, field: String) throws(ValidationError)
    /// The field name errors use when no coding path names one.
    static var defaultField: String { get }
}

extension ValidatedIdentifier {
    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw, field: CodingPath.fieldName(decoder.codingPath, default: Self.defaultField))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
