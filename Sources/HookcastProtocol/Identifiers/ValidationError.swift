/// Input that breaks a rule, named by the field it came in and described in words a person understands.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field as the caller sent it, e.g. `"id"`, `"params.url"`, `"target.kind"`.
    public let field: String
    /// What is wrong, phrased to follow the field name: `"must be 1 to 64 characters of …"`.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) \(message)" }
}
