/// Entity and character references. Only XML's five predefined entities and numeric character references are read;
/// every other entity would need a DTD to mean anything, and DTDs are refused.
extension XMLScanner {
    private static let predefined: [String: UInt8] = [
        "lt": UInt8(ascii: "<"), "gt": UInt8(ascii: ">"), "amp": UInt8(ascii: "&"), "apos": UInt8(ascii: "'"),
        "quot": UInt8(ascii: "\""),
    ]

    /// Reads the reference at `index` (which is at `&`) and appends the character it stands for.
    mutating func readReference(into text: inout [UInt8]) throws(XMLReadError) {
        let start = index
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            index += 1
            let scalar = try readCharacterReference(from: start)
            guard XMLCharacterCheck.isAllowed(scalar), let character = Unicode.Scalar(scalar) else {
                throw error(.entityRefused, "a character reference names a character XML does not allow", at: start)
            }
            text.append(contentsOf: Array(String(Character(character)).utf8))
            return
        }
        let nameStart = index
        while index < bytes.count, index - nameStart <= 64, Self.isReferenceNameByte(bytes[index]) { index += 1 }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        guard index > nameStart, index < bytes.count, bytes[index] == UInt8(ascii: ";") else {
            throw error(.malformed, "& must start a reference such as &amp;", at: start)
        }
        index += 1
        guard let byte = Self.predefined[name] else {
            throw error(
                .entityRefused,
                "entity &\(XMLReadError.excerpt(name)); is refused; only &lt; &gt; &amp; &apos; &quot; and &#…; are read",
                at: start)
        }
        text.append(byte)
    }

    private mutating func readCharacterReference(from start: Int) throws(XMLReadError) -> UInt32 {
        let hexadecimal = index < bytes.count && bytes[index] == UInt8(ascii: "x")
        if hexadecimal { index += 1 }
        let digitsStart = index
        var value: UInt32 = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
            guard let digit = Self.digit(bytes[index], hexadecimal: hexadecimal), index - digitsStart < 8 else {
                throw error(.malformed, "a character reference is not a number followed by ;", at: start)
            }
            value = value * (hexadecimal ? 16 : 10) + digit
            index += 1
        }
        guard index > digitsStart, index < bytes.count else {
            throw error(.malformed, "a character reference is not a number followed by ;", at: start)
        }
        index += 1
        return value
    }

    private static func digit(_ byte: UInt8, hexadecimal: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isReferenceNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte >= 0x80
    }
}
