import Foundation

/// A strict RFC 8259 parser into `JSONValue`, for the webhook body every request carries: Foundation's decoder,
/// through `JSONValue`'s `Decodable`, tried each kind of value in turn and built an error for every miss, which cost
/// more than the rest of the request's parsing. It accepts what that decoder accepted and reads it the same
/// (`JSONParserTests` compares the two on valid, invalid and mutated documents), including its leniencies: one
/// trailing comma in an array or object, and the first of duplicate keys. It is only given input that
/// `UntrustedJSON.check` passed: valid UTF-8, nested no deeper than `UntrustedJSON.maximumDepth`.
struct JSONParser {
    struct Invalid: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func parse(_ data: Data) throws(Invalid) -> JSONValue {
        let result: Result<JSONValue, Invalid> = data.withUnsafeBytes { raw in
            Result { () throws(Invalid) in try parse(raw.bindMemory(to: UInt8.self)) }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Invalid) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipByteOrderMark()
        let value = try parser.value()
        try parser.expectEnd()
        return value
    }

    /// The values of the fields named `names` when the document is an object (nil for a field it lacks; of
    /// duplicate keys the first, as `parse`), or nil when it is another kind of value. It accepts and refuses
    /// exactly what `parse` does, every other field's value included, without building the object's dictionary:
    /// the gateway reads a few fields of one acknowledgement per device per command.
    static func fields(_ names: [String], of bytes: UnsafeBufferPointer<UInt8>) throws(Invalid) -> [JSONValue?]? {
        var parser = JSONParser(bytes: bytes)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else {
            _ = try parser.value()
            try parser.expectEnd()
            return nil
        }
        var values = [JSONValue?](repeating: nil, count: names.count)
        try parser.members { key, value in
            if let slot = names.firstIndex(of: key), values[slot] == nil { values[slot] = value }
        }
        try parser.expectEnd()
        return values
    }

    /// A UTF-8 byte order mark is skipped, as Foundation skips it.
    private mutating func skipByteOrderMark() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    /// Only whitespace may follow the document.
    private mutating func expectEnd() throws(Invalid) {
        skipWhitespace()
        guard index == bytes.count else { throw Invalid() }
    }

    private mutating func value() throws(Invalid) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return .number(try number())
        }
    }

    private mutating func object() throws(Invalid) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        try members { key, value in
            if fields[key] == nil { fields[key] = value }
        }
        return .object(fields)
    }

    /// At the opening brace; hands each member to `take` in order and leaves `index` after the closing brace.
    private mutating func members(_ take: (String, JSONValue) -> Void) throws(Invalid) {
        index += 1
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try string()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw Invalid() }
            take(key, try value())
            skipWhitespace()
        } while consume(UInt8(ascii: ",")) && !closes(UInt8(ascii: "}"))
        guard consume(UInt8(ascii: "}")) else { throw Invalid() }
    }

    private mutating func array() throws(Invalid) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try value())
            skipWhitespace()
        } while consume(UInt8(ascii: ",")) && !closes(UInt8(ascii: "]"))
        guard consume(UInt8(ascii: "]")) else { throw Invalid() }
        return .array(elements)
    }

    /// At the opening quote; returns the unescaped text and leaves `index` after the closing quote.
    private mutating func string() throws(Invalid) -> String {
        index += 1
        let start = index
        // The common case: no escapes, one copy.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Invalid() }
            index += 1
        }
        var text = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try unescape(into: &text)
            case ..<0x20:
                throw Invalid()
            default:
                text.append(byte)
            }
        }
        throw Invalid()
    }

    /// After a backslash.
    private mutating func unescape(into text: inout [UInt8]) throws(Invalid) {
        guard index < bytes.count else { throw Invalid() }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw Invalid() }
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Invalid()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Invalid() }
            text.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw Invalid()
        }
    }

    private mutating func hexQuad() throws(Invalid) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite as a `Double`, and not a non-zero number too small
    /// for one (Foundation refuses both).
    private mutating func number() throws(Invalid) -> Double {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            // No leading zeros.
        } else {
            guard digits() > 0 else { throw Invalid() }
        }
        if consume(UInt8(ascii: ".")) {
            guard digits() > 0 else { throw Invalid() }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !(consume(UInt8(ascii: "+"))) { _ = consume(UInt8(ascii: "-")) }
            guard digits() > 0 else { throw Invalid() }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw Invalid() }
        if number == 0 {
            let mantissa = text.prefix { $0 != "e" && $0 != "E" }
            guard !mantissa.contains(where: { ("1"..."9").contains($0) }) else { throw Invalid() }
        }
        return number
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Invalid) -> JSONValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count, expected.elementsEqual(bytes[index..<index + expected.count])
        else { throw Invalid() }
        index += expected.count
        return value
    }

    /// After a comma: whether `bracket` follows (a trailing comma), which is left for the caller to consume.
    private mutating func closes(_ bracket: UInt8) -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == bracket
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
