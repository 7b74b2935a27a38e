import Foundation
import HookcastProtocol

extension ParameterTemplates {
    /// The parameters a template may fill, each with a value that passes its own check: what an action is
    /// validated with before any call fills it.
    static let standIns: [String: JSONValue] = [
        "url": .string("https://example.com/"), "state": .string("on"), "message": .string("x"),
        "datasource_id": .string("x"), "loop_id": .string("x"), "duration_seconds": .number(1),
        "level": .string("info"), "until": .string("2999-01-01T00:00:00.000Z"),
    ]

    /// Throws for a template of a parameter no function takes.
    func checkParameterNames() throws(ValidationError) {
        for name in byParameter.keys.sorted() where Self.standIns[name] == nil {
            throw ValidationError(field: "params.\(name)", message: "is not a parameter any function takes")
        }
    }

    /// `literal` with each templated parameter set to its stand-in.
    func withStandIns(_ literal: JSONValue) -> JSONValue {
        guard case .object(var fields) = literal else { return literal }
        for name in byParameter.keys { fields[name] = Self.standIns[name] }
        return .object(fields)
    }

    /// `literal` with each template filled from the call's `body`. A value that is missing or not a plain value
    /// throws, naming the body's field; so does a parameter the value cannot fill (checked by the caller, with
    /// `source(of:)` naming the field).
    func filled(from body: [String: JSONValue], into literal: JSONValue) throws(ValidationError) -> JSONValue {
        guard case .object(var fields) = literal else { return literal }
        // In name order, so a call missing several values is always told about the same one first.
        for (name, template) in byParameter.sorted(by: { $0.key < $1.key }) {
            let paths = try Self.placeholders(in: template, field: "params.\(name)")
            let trimmed = template.trimmingCharacters(in: .whitespaces)
            if paths.count == 1, trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") {
                // The whole parameter is one value: a number stays a number (duration_seconds).
                fields[name] = try Self.value(at: paths[0], in: body, filling: name)
            } else {
                fields[name] = .string(try Self.text(of: template, paths: paths, body: body, filling: name))
            }
        }
        if case .string(let text)? = fields["duration_seconds"], let seconds = Int(text) {
            fields["duration_seconds"] = .number(Double(seconds))
        }
        return .object(fields)
    }

    /// The body field that fills `parameter`, when one alone does: errors about the parameter name it.
    func source(of parameter: String) -> String? {
        guard let template = byParameter[parameter],
            let paths = try? Self.placeholders(in: template, field: parameter), paths.count == 1
        else { return nil }
        return paths[0].joined(separator: ".")
    }

    private static func text(
        of template: String, paths: [[String]], body: [String: JSONValue], filling name: String
    ) throws(ValidationError) -> String {
        var result = ""
        var rest = Substring(template)
        var index = 0
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let value = try value(at: paths[index], in: body, filling: name)
            switch value {
            case .string(let text): result += text
            case .bool(let flag): result += flag ? "true" : "false"
            case .number(let number):
                result += number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            default: break
            }
            index += 1
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// The plain value at `path`; a string holding a JSON object (the older `sensor_data` form) is read as one.
    private static func value(
        at path: [String], in body: [String: JSONValue], filling name: String
    ) throws(ValidationError) -> JSONValue {
        let field = path.joined(separator: ".")
        var current = JSONValue.object(body)
        for part in path {
            if case .string(let text) = current, let data = text.data(using: .utf8),
                let object = try? UntrustedJSON.decode(data), case .object = object
            {
                current = object
            }
            guard case .object(let fields) = current, let next = fields[part], next != .null else {
                throw ValidationError(field: field, message: "is missing: the action fills params.\(name) from it")
            }
            current = next
        }
        switch current {
        case .string, .number, .bool: return current
        default:
            throw ValidationError(
                field: field, message: "must be text, a number or true/false: the action fills params.\(name) from it")
        }
    }
}

extension ActionParameters {
    /// Reads parameters from JSON the gateway put together; a field of the wrong type throws naming it.
    public static func decoded(from json: JSONValue) throws(ValidationError) -> ActionParameters {
        do {
            return try JSONCoding.decoder().decode(ActionParameters.self, from: JSONCoding.encoder().encode(json))
        } catch let error as DecodingError {
            let key: String
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                key = context.codingPath.first?.stringValue ?? ""
            case .keyNotFound(let missing, _):
                key = missing.stringValue
            @unknown default:
                key = ""
            }
            throw ValidationError(
                field: key.isEmpty ? "params" : "params.\(key)", message: "has the wrong type or value")
        } catch {
            throw ValidationError(field: "params", message: "could not be read")
        }
    }
}
