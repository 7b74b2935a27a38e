import Foundation

/// The CAP children of one element, checked against the names that element may hold: an unknown name in the CAP
/// namespace is refused, a second copy of a single element is refused, and elements of other namespaces (an XML
/// signature at the end of an alert, say) are ignored. Text comes back trimmed, length-checked and non-empty.
struct CAPElementFields {
    /// Every text field's ceiling, so a hostile alert stays small; polygons have their own.
    static let maximumTextLength = 10_000
    /// A polygon of a few thousand points is real (coastlines); the 1 MB document limit bounds it anyway.
    static let maximumPolygonLength = 200_000

    let path: String
    private var byName: [String: [XMLNode]] = [:]

    init(_ node: XMLNode, path: String, single: Set<String>, repeated: Set<String> = []) throws(CAPReadError) {
        self.path = path
        for child in node.children where child.namespace == CAPAlertReader.namespace {
            guard single.contains(child.name) || repeated.contains(child.name) else {
                throw .invalid("\(path).\(child.name)", "<\(child.name)> is not a CAP 1.2 element here")
            }
            byName[child.name, default: []].append(child)
            if single.contains(child.name), byName[child.name, default: []].count > 1 {
                throw .invalid("\(path).\(child.name)", "<\(child.name)> appears more than once")
            }
        }
        guard node.text.allSatisfy(\.isWhitespace) else {
            throw .invalid(path, "<\(node.name)> holds text outside its elements")
        }
    }

    func nodes(_ name: String) -> [XMLNode] { byName[name] ?? [] }

    func path(_ name: String, _ index: Int) -> String { "\(path).\(name)[\(index)]" }

    func required(_ name: String) throws(CAPReadError) -> String {
        guard let value = try optional(name) else {
            throw .invalid(
                "\(path).\(name)", nodes(name).isEmpty ? "<\(name)> is required" : "<\(name)> is empty")
        }
        return value
    }

    /// nil when absent or empty.
    func optional(_ name: String) throws(CAPReadError) -> String? {
        guard let node = nodes(name).first else { return nil }
        let value = try Self.text(of: node, path: "\(path).\(name)")
        return value.isEmpty ? nil : value
    }

    /// Each copy of a repeated text element; empty copies are refused.
    func texts(_ name: String, limit: Int = maximumTextLength) throws(CAPReadError) -> [String] {
        var values: [String] = []
        for (index, node) in nodes(name).enumerated() {
            let value = try Self.text(of: node, path: path(name, index), limit: limit)
            guard !value.isEmpty else { throw .invalid(path(name, index), "<\(name)> is empty") }
            values.append(value)
        }
        return values
    }

    func code<Value: RawRepresentable<String> & CaseIterable>(
        _ name: String, as type: Value.Type
    ) throws(CAPReadError) -> Value {
        try Self.code(try required(name), path: "\(path).\(name)", as: type)
    }

    func dateTime(_ name: String) throws(CAPReadError) -> CAPDateTime? {
        guard let text = try optional(name) else { return nil }
        return try Self.dateTime(text, path: "\(path).\(name)")
    }

    static func text(of node: XMLNode, path: String, limit: Int = maximumTextLength) throws(CAPReadError) -> String {
        guard node.children.isEmpty else {
            throw .invalid(path, "<\(node.name)> holds elements where text is expected")
        }
        let value = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= limit else {
            throw .invalid(path, "<\(node.name)> is longer than \(limit) characters")
        }
        return value
    }

    static func code<Value: RawRepresentable<String> & CaseIterable>(
        _ text: String, path: String, as type: Value.Type
    ) throws(CAPReadError) -> Value {
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(path, "\"\(XMLReadError.excerpt(text))\" is not one of \(allowed)")
        }
        return value
    }

    static func dateTime(_ text: String, path: String) throws(CAPReadError) -> CAPDateTime {
        do {
            return try CAPDateTime(text)
        } catch .zoneDesignator {
            throw .invalid(
                path,
                "\"\(XMLReadError.excerpt(text))\" ends in Z, which CAP 1.2 does not allow; write UTC as -00:00 or +00:00"
            )
        } catch {
            throw .invalid(
                path,
                "\"\(XMLReadError.excerpt(text))\" is not a CAP 1.2 date and time such as 2003-06-17T14:57:00-07:00")
        }
    }
}
