/// The reading state of one document: the bytes, the position, and the elements still open. One loop reads markup
/// and character data in turn; nothing recurses, so the input decides nothing about the call depth.
struct XMLScanner {
    struct OpenElement {
        var qualifiedName: String
        var node: XMLNode
        var text: [UInt8] = []
        var namespaceMark: Int
    }

    let bytes: [UInt8]
    let limits: XMLLimits
    var index = 0
    var open: [OpenElement] = []
    var namespaces = XMLNamespaceScope()
    var elementCount = 0
    var root: XMLNode?

    init(bytes: [UInt8], limits: XMLLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func readDocument() throws(XMLReadError) -> XMLNode {
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                try readMarkup()
            } else {
                try readCharacterData()
            }
        }
        if let unclosed = open.last {
            throw error(.malformed, "<\(XMLReadError.excerpt(unclosed.qualifiedName))> is not closed", at: index)
        }
        guard let root else {
            throw error(.malformed, "the document has no root element", at: index)
        }
        return root
    }

    private mutating func readMarkup() throws(XMLReadError) {
        let start = index
        if hasPrefix("<?") {
            try skipProcessingInstruction()
        } else if hasPrefix("<!--") {
            guard let end = find("-->", from: index + 4) else {
                throw error(.malformed, "a comment is not closed with -->", at: start)
            }
            index = end + 3
        } else if hasPrefix("<![CDATA[") {
            guard !open.isEmpty else { throw error(.malformed, "CDATA outside the root element", at: start) }
            guard let end = find("]]>", from: index + 9) else {
                throw error(.malformed, "a CDATA section is not closed with ]]>", at: start)
            }
            appendText(bytes[(index + 9)..<end])
            index = end + 3
        } else if hasPrefix("<!DOCTYPE", caseInsensitive: true) {
            throw error(
                .doctypeRefused, "a DOCTYPE (DTD, entity declarations) is refused; CAP needs none", at: start)
        } else if hasPrefix("<!") {
            throw error(.malformed, "markup declarations (<!…) are not allowed", at: start)
        } else if hasPrefix("</") {
            try readEndTag()
        } else {
            try readStartTag()
        }
    }

    /// Processing instructions such as `<?xml-stylesheet …?>` say nothing about the data, so they are skipped; an XML
    /// declaration anywhere but the very start is an error.
    private mutating func skipProcessingInstruction() throws(XMLReadError) {
        let start = index
        index += 2
        let target = try readName()
        if target.lowercased() == "xml" {
            throw error(.malformed, "an XML declaration is only allowed at the very start", at: start)
        }
        guard let end = find("?>", from: index) else {
            throw error(.malformed, "a processing instruction is not closed with ?>", at: start)
        }
        index = end + 2
    }

    private mutating func readCharacterData() throws(XMLReadError) {
        let start = index
        var text: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"):
                try readReference(into: &text)
            case UInt8(ascii: "\r"):
                // XML's end-of-line handling: CR LF and a lone CR both read as LF.
                text.append(UInt8(ascii: "\n"))
                index += index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? 2 : 1
            case UInt8(ascii: "]") where hasPrefix("]]>"):
                throw error(.malformed, "]]> is not allowed in character data", at: index)
            default:
                text.append(byte)
                index += 1
            }
        }
        if open.isEmpty {
            let blank = text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            guard blank, bytes[start..<index].allSatisfy({ $0 != UInt8(ascii: "&") }) else {
                throw error(.malformed, "text outside the root element", at: start)
            }
            return
        }
        open[open.count - 1].text.append(contentsOf: text)
    }

    /// CDATA: kept as written, apart from XML's end-of-line handling, which applies to the whole document.
    mutating func appendText(_ slice: ArraySlice<UInt8>) {
        var previous: UInt8 = 0
        for byte in slice {
            if byte == UInt8(ascii: "\r") {
                open[open.count - 1].text.append(UInt8(ascii: "\n"))
            } else if byte != UInt8(ascii: "\n") || previous != UInt8(ascii: "\r") {
                open[open.count - 1].text.append(byte)
            }
            previous = byte
        }
    }

    // MARK: Position and errors

    func hasPrefix(_ literal: StaticString, caseInsensitive: Bool = false) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count {
            var byte = bytes[index + offset]
            if caseInsensitive, byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { byte -= 0x20 }
            if byte != pointer[offset] { return false }
        }
        return true
    }

    func find(_ literal: StaticString, from start: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        let pointer = literal.utf8Start
        var position = start
        while position + count <= bytes.count {
            if bytes[position] == pointer[0] {
                var offset = 1
                while offset < count, bytes[position + offset] == pointer[offset] { offset += 1 }
                if offset == count { return position }
            }
            position += 1
        }
        return nil
    }

    enum Problem {
        case tooDeep, tooManyNodes, tooManyAttributes, nameTooLong, doctypeRefused, entityRefused
        case encodingUnsupported, malformed

        var code: String {
            switch self {
            case .tooDeep: XMLReadError.Code.tooDeep
            case .tooManyNodes: XMLReadError.Code.tooManyNodes
            case .tooManyAttributes: XMLReadError.Code.tooManyAttributes
            case .nameTooLong: XMLReadError.Code.nameTooLong
            case .doctypeRefused: XMLReadError.Code.doctypeRefused
            case .entityRefused: XMLReadError.Code.entityRefused
            case .encodingUnsupported: XMLReadError.Code.encodingUnsupported
            case .malformed: XMLReadError.Code.malformed
            }
        }
    }

    func error(_ problem: Problem, _ message: String, at offset: Int) -> XMLReadError {
        error(problem.code, message, at: offset)
    }

    /// The line and column are counted only here, when a document is refused, so reading pays nothing for them.
    func error(_ code: String, _ message: String, at offset: Int) -> XMLReadError {
        let end = min(offset, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[..<end] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return XMLReadError(code: code, message: message, line: line, column: column)
    }
}
