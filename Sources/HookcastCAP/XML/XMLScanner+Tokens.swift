/// The small pieces markup is made of: names, whitespace, quoted values, references and the document's first bytes.
extension XMLScanner {
    /// A byte-order mark for UTF-8 is skipped; one for UTF-16 or UTF-32 means an encoding this reader does not read.
    mutating func readByteOrderMark() throws(XMLReadError) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        } else if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
            || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF])
        {
            throw error(.encodingUnsupported, "the byte order mark is not UTF-8's; only UTF-8 is read", at: 0)
        }
    }

    /// `<?xml version="1.0" encoding="…" standalone="…"?>`: only the encoding matters, and it must be UTF-8.
    mutating func readDeclaration() throws(XMLReadError) {
        guard hasPrefix("<?xml"), index + 5 < bytes.count, Self.isWhitespace(bytes[index + 5]) else { return }
        let start = index
        index += 5
        while true {
            skipWhitespace()
            if hasPrefix("?>") {
                index += 2
                return
            }
            guard index < bytes.count else {
                throw error(.malformed, "the XML declaration is not closed with ?>", at: start)
            }
            let nameOffset = index
            let name = try readName()
            let value = try readAttributeValue()
            switch name {
            case "version", "standalone": continue
            case "encoding":
                guard value.lowercased() == "utf-8" else {
                    throw error(
                        .encodingUnsupported,
                        "the declared encoding \(XMLReadError.excerpt(value)) is not read; send UTF-8", at: nameOffset)
                }
            default:
                throw error(
                    .malformed, "the XML declaration has an unknown part \(XMLReadError.excerpt(name))", at: nameOffset)
            }
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = index
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        return index > start
    }

    /// XML's `Name`, simplified: ASCII letters, `_`, `:` and any non-ASCII character may start it; digits, `-` and `.`
    /// may follow. The input is valid UTF-8 by now, so stopping at an ASCII byte never splits a character.
    mutating func readName() throws(XMLReadError) -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isStart =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ":") || byte >= 0x80
            let isFollowing =
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
            guard isStart || (index > start && isFollowing) else { break }
            index += 1
            guard index - start <= limits.maximumNameLength else {
                throw error(.nameTooLong, "a name is longer than \(limits.maximumNameLength) bytes", at: start)
            }
        }
        guard index > start else {
            throw error(.malformed, "expected a name", at: start)
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `= "value"` or `= 'value'`, references decoded and whitespace characters read as spaces (attribute-value
    /// normalization for CDATA attributes).
    mutating func readAttributeValue() throws(XMLReadError) -> String {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
            throw error(.malformed, "expected = after an attribute name", at: index)
        }
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw error(.malformed, "expected a quoted attribute value", at: index)
        }
        let quote = bytes[index]
        let start = index
        index += 1
        var value: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw error(.malformed, "an attribute value is not closed", at: start)
            }
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw error(.malformed, "< is not allowed in an attribute value", at: index)
            case UInt8(ascii: "&"):
                try readReference(into: &value)
            case UInt8(ascii: "\r") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n"):
                value.append(0x20)
                index += 2
            case 0x09, 0x0A, 0x0D:
                value.append(0x20)
                index += 1
            default:
                value.append(byte)
                index += 1
            }
        }
    }
}
