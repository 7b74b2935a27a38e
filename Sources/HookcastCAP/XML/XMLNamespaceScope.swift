/// The namespace prefixes in scope, as a stack of bindings: each element pushes its `xmlns` declarations and the end
/// tag truncates back to the mark taken at its start.
struct XMLNamespaceScope {
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// Prefix ("" for the default namespace) and URI (nil where `xmlns=""` undeclares the default).
    private var bindings: [(prefix: String, uri: String?)] = [("xml", xmlNamespace)]

    var mark: Int { bindings.count }

    mutating func bind(_ prefix: String, to uri: String?) {
        bindings.append((prefix, uri))
    }

    mutating func truncate(to mark: Int) {
        bindings.removeLast(bindings.count - mark)
    }

    /// nil for a prefix never bound; `.some(nil)` for the default namespace when none is declared.
    func resolve(_ prefix: String) -> String?? {
        if let binding = bindings.last(where: { $0.prefix == prefix }) {
            return .some(binding.uri)
        }
        return prefix.isEmpty ? .some(nil) : nil
    }
}
