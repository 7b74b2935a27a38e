/// Reads an XML document into `XMLNode`s, refusing everything CAP does not need.
///
/// Our own reader rather than FoundationXML: CAP uses no DTD, no entity declarations and no external resources, and
/// refusing all of them outright in a few hundred lines is simpler to prove safe than configuring libxml2 (through
/// FoundationXML, whose entity and network options differ across platforms) to be harmless. It is iterative: an
/// explicit stack of open elements, bounded by `XMLLimits.maximumDepth`, so deep nesting cannot exhaust the stack.
public enum XMLDocumentReader {
    public static func read(_ bytes: [UInt8], limits: XMLLimits = .init()) throws(XMLReadError) -> XMLNode {
        // Size first: a 10 MB body is refused before a single byte of it is looked at.
        guard bytes.count <= limits.maximumBytes else {
            throw XMLReadError(
                code: XMLReadError.Code.tooLarge,
                message: "the document is \(bytes.count) bytes; at most \(limits.maximumBytes) are read",
                line: 0, column: 0)
        }
        var scanner = XMLScanner(bytes: bytes, limits: limits)
        try scanner.readByteOrderMark()
        // The declaration is ASCII, so it is read before the UTF-8 check: a document declared ISO-8859-1 is then
        // refused for its encoding rather than for the bytes that encoding produced.
        try scanner.readDeclaration()
        if let problem = XMLCharacterCheck.firstProblem(in: bytes, from: scanner.index) {
            throw scanner.error(problem.code, problem.message, at: problem.offset)
        }
        return try scanner.readDocument()
    }
}
