/// Why `XMLDocumentReader` refused a document, and where. The message names the problem; it quotes at most
/// `XMLReadError.maximumExcerpt` characters of the input, so an error body never echoes a hostile document back.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One of the `XMLReadError.Code` values, stable for clients to match on.
    public var code: String
    public var message: String
    /// 1-based; 0 when the refusal is about the whole input (its size).
    public var line: Int
    /// 1-based, in characters; 0 when the refusal is about the whole input.
    public var column: Int

    public init(code: String, message: String, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        line == 0 ? "\(code): \(message)" : "\(code) at line \(line), column \(column): \(message)"
    }

    /// The codes, one per kind of refusal (docs/cap.md lists them).
    public enum Code {
        public static let tooLarge = "xml_too_large"
        public static let tooDeep = "xml_too_deep"
        public static let tooManyNodes = "xml_too_many_nodes"
        public static let tooManyAttributes = "xml_too_many_attributes"
        public static let nameTooLong = "xml_name_too_long"
        public static let doctypeRefused = "xml_doctype_refused"
        public static let entityRefused = "xml_entity_refused"
        public static let invalidUTF8 = "xml_invalid_utf8"
        public static let encodingUnsupported = "xml_encoding_unsupported"
        public static let malformed = "xml_malformed"
    }

    /// The most characters of input any message quotes.
    public static let maximumExcerpt = 40

    /// `text` cut to `maximumExcerpt` characters, for quoting a name or value in a message.
    static func excerpt(_ text: some StringProtocol) -> String {
        text.count <= maximumExcerpt ? String(text) : String(text.prefix(maximumExcerpt)) + "…"
    }

    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        excerpt(String(decoding: bytes.prefix(maximumExcerpt * 4), as: UTF8.self))
    }
}
