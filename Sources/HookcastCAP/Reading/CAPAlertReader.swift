/// Reads a CAP 1.2 `<alert>` and checks it against the specification's rules (docs/cap.md, "What Hookcast accepts").
/// Elements may come in any order, as real senders vary; unknown CAP elements are refused.
public enum CAPAlertReader {
    public static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"

    public static func read(_ bytes: [UInt8]) throws(CAPReadError) -> CAPAlert {
        try read(try readXML(bytes))
    }

    public static func read(_ node: XMLNode) throws(CAPReadError) -> CAPAlert {
        guard node.name == "alert", node.namespace == namespace else {
            let message =
                node.name == "alert"
                ? "<alert> is in namespace \(XMLReadError.excerpt(node.namespace ?? "(none)")), not CAP 1.2's \(namespace)"
                : "the root element is <\(XMLReadError.excerpt(node.name))>, not a CAP 1.2 <alert>"
            throw .notAnAlert(XMLReadError.excerpt(node.name), message)
        }
        let fields = try CAPElementFields(
            node, path: "alert",
            single: [
                "identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses",
                "note", "references", "incidents",
            ],
            repeated: ["code", "info"])
        let identifier = try fields.required("identifier")
        try checkIdentifierCharacters(identifier, path: "alert.identifier")
        let sender = try fields.required("sender")
        try checkIdentifierCharacters(sender, path: "alert.sender")
        let scope = try fields.code("scope", as: CAPScope.self)
        let restriction = try fields.optional("restriction")
        let addresses = try fields.optional("addresses")
        if scope == .restricted, restriction == nil {
            throw .invalid("alert.restriction", "<restriction> is required when <scope> is Restricted")
        }
        if scope == .private, addresses == nil {
            throw .invalid("alert.addresses", "<addresses> is required when <scope> is Private")
        }
        var infos: [CAPInfo] = []
        for (index, info) in fields.nodes("info").enumerated() {
            infos.append(try readInfo(info, path: fields.path("info", index)))
        }
        return CAPAlert(
            identifier: identifier, sender: sender,
            sent: try CAPElementFields.dateTime(try fields.required("sent"), path: "alert.sent"),
            status: try fields.code("status", as: CAPStatus.self),
            msgType: try fields.code("msgType", as: CAPMessageType.self), source: try fields.optional("source"),
            scope: scope, restriction: restriction, addresses: addresses, codes: try fields.texts("code"),
            note: try fields.optional("note"), references: try readReferences(try fields.optional("references")),
            incidents: try fields.optional("incidents"), infos: infos)
    }

    static func readXML(_ bytes: [UInt8]) throws(CAPReadError) -> XMLNode {
        do {
            return try XMLDocumentReader.read(bytes)
        } catch {
            throw CAPReadError(error)
        }
    }

    /// CAP 1.2: identifier and sender "MUST NOT include spaces, commas or restricted characters (< and &)", which
    /// keeps them usable inside the comma- and space-separated `<references>`.
    private static func checkIdentifierCharacters(_ value: String, path: String) throws(CAPReadError) {
        if let bad = value.first(where: { $0.isWhitespace || $0 == "," || $0 == "<" || $0 == "&" }) {
            let shown = bad.isWhitespace ? "a space" : "\"\(bad)\""
            throw .invalid(path, "\(shown) is not allowed (no spaces, commas, < or &)")
        }
    }

    /// `sender,identifier,sent` triples separated by whitespace.
    private static func readReferences(_ text: String?) throws(CAPReadError) -> [CAPReference] {
        guard let text else { return [] }
        var references: [CAPReference] = []
        for (index, triple) in text.split(whereSeparator: \.isWhitespace).enumerated() {
            let parts = triple.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw .invalid(
                    "alert.references",
                    "reference \(index + 1) (\"\(XMLReadError.excerpt(triple))\") is not sender,identifier,sent")
            }
            references.append(
                CAPReference(sender: String(parts[0]), identifier: String(parts[1]), sent: String(parts[2])))
        }
        return references
    }
}
