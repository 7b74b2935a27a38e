/// One element of a document read by `XMLDocumentReader`: what CAP and its feeds need of XML, nothing more.
public struct XMLNode: Sendable, Equatable {
    /// The local name, without its prefix.
    public var name: String
    /// The namespace URI the prefix (or the default namespace) resolved to; nil when none is in scope.
    public var namespace: String?
    /// Attributes by local name; `xmlns` and `xmlns:*` declarations are not included.
    public var attributes: [String: String]
    public var children: [XMLNode]
    /// All character data and CDATA directly inside this element, references decoded, whitespace kept as written.
    public var text: String

    public init(
        name: String, namespace: String? = nil, attributes: [String: String] = [:], children: [XMLNode] = [],
        text: String = ""
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child element with this local name, in any namespace.
    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// Every child element with this local name, in any namespace, in document order.
    public func children(_ name: String) -> [XMLNode] {
        children.filter { $0.name == name }
    }

    /// The first child element with this local name in `namespace`.
    public func child(_ name: String, namespace: String?) -> XMLNode? {
        children.first { $0.name == name && $0.namespace == namespace }
    }

    /// Every child element with this local name in `namespace`, in document order.
    public func children(_ name: String, namespace: String?) -> [XMLNode] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }
}
