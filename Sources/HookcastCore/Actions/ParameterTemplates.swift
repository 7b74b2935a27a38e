import Foundation
import HookcastProtocol

/// The parameters an action fills from the webhook's body: each is a template, text with placeholders such as
/// `{{message}}` or `Door {{sensor_data.id}} opened`, keyed by the parameter's JSON name. Sent and shown inside
/// `params` as strings; a string there is a template when it holds `{{`.
public struct ParameterTemplates: Sendable, Equatable, Codable {
    /// Parameter name → template text.
    public var byParameter: [String: String]

    public init(_ byParameter: [String: String] = [:]) {
        self.byParameter = byParameter
    }

    public var isEmpty: Bool { byParameter.isEmpty }

    /// A template is at most this long, and names at most this many placeholders.
    static let maxLength = 2048
    static let maxPlaceholders = 16
    /// A placeholder is a path of at most this many names into the body.
    static let maxDepth = 4

    public init(from decoder: any Decoder) throws {
        byParameter = try [String: String](from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try byParameter.encode(to: encoder)
    }

    /// Splits `params` as sent into the literal parameters and the templates. Throws for a template that is not
    /// one: unbalanced braces, a placeholder that is not a path of names, too long, or none at all.
    public static func split(_ params: JSONValue?) throws(ValidationError) -> (literal: JSONValue, templates: Self) {
        guard let params, params != .null else { return (.object([:]), Self()) }
        guard case .object(let fields) = params else {
            throw ValidationError(field: "params", message: "must be an object")
        }
        var literal: [String: JSONValue] = [:]
        var templates: [String: String] = [:]
        for (name, value) in fields {
            if case .string(let text) = value, text.contains("{{") {
                _ = try placeholders(in: text, field: "params.\(name)")
                templates[name] = text
            } else {
                literal[name] = value
            }
        }
        return (.object(literal), Self(templates))
    }

    /// The literal parameters with the templates put back, as the admin API shows them.
    public func merged(into params: ActionParameters) -> JSONValue {
        guard case .object(var fields) = JSONValue(encoding: params) else { return JSONValue(encoding: params) }
        for (name, template) in byParameter { fields[name] = .string(template) }
        return .object(fields)
    }

    /// The paths a template's placeholders name, in order.
    static func placeholders(in template: String, field: String) throws(ValidationError) -> [[String]] {
        guard template.count <= maxLength else {
            throw ValidationError(field: field, message: "must be at most \(maxLength) characters")
        }
        var paths: [[String]] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ValidationError(field: field, message: "has a '{{' without its '}}'")
            }
            let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard (1...maxDepth).contains(names.count), names.allSatisfy(isName) else {
                throw ValidationError(
                    field: field,
                    message: "names '{{\(path)}}', not a field of the call such as {{message}} or {{sensor_data.value}}"
                )
            }
            paths.append(names)
            rest = rest[close.upperBound...]
        }
        guard !paths.isEmpty, paths.count <= maxPlaceholders else {
            throw ValidationError(field: field, message: "must name 1 to \(maxPlaceholders) fields of the call")
        }
        return paths
    }

    private static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
            }
    }
}

extension JSONValue {
    /// `value` as `JSONCoding.encoder()` writes it, read back; `.null` if it cannot be (never for plain values).
    init(encoding value: some Encodable) {
        guard let data = try? JSONCoding.encoder().encode(value),
            let decoded = try? JSONCoding.decoder().decode(JSONValue.self, from: data)
        else {
            self = .null
            return
        }
        self = decoded
    }
}

extension ParameterTemplates {
    /// Writes `params` as the admin API shows them: the literal parameters with these templates among them.
    func write<Key: CodingKey>(
        _ params: ActionParameters, into container: inout KeyedEncodingContainer<Key>, forKey key: Key
    ) throws {
        if isEmpty {
            try container.encode(params, forKey: key)
        } else {
            try container.encode(merged(into: params), forKey: key)
        }
    }
}
