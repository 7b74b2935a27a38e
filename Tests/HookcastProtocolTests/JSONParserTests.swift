import Foundation
import Testing

@testable import HookcastProtocol

/// `JSONParser` must accept exactly what Foundation's decoder accepted for `JSONValue`, and read it the same: the
/// webhook's answers (400 for invalid JSON, what the command carries) must not change with the parser.
@Suite struct JSONParserTests {
    static func foundation(_ data: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    static func parsed(_ data: Data) -> JSONValue? {
        try? JSONParser.parse(data)
    }

    static let documents: [String] = [
        #"{"event_id":"door-open"}"#,
        #"{"event_id":"bench","sensor_data":{"event":"bench","id":"17","value":17}}"#,
        #" { "a" : [ 1 , -2.5e3 , 0.001 , true , false , null , "x" ] , "b" : { } , "c" : [ ] } "#,
        #"{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \u20AC \ud83d\ude00 end"}"#,
        #"{"dup":1,"dup":2}"#, #""just a string""#, "42", "-0", "0.5", "1E+2", "1e-2", "true", "null", "[]", "{}",
        "\u{FEFF}{}", "\u{FEFF}", "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.",
        ".5", "+1", "-", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "1e400", "-1e400", "1e-400",
        "123456789012345678901234567890", "tru", "nul", "truex", "[true false]", "\"unterminated", "\"bad \\x\"",
        "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\tinside\"", "\"nl\ninside\"",
        "{\"a\":1} x", "[1] [2]", "\"\\u0000\"", "[\"\\/\"]", "{\"\":\"\"}", "  \n\t\r 7 \n", "\u{0B}1", "1\u{0C}",
        "[1,2,3,[4,[5,{\"6\":[7]}]]]", "{\"x\":1e308,\"y\":-1e-308,\"z\":5e-324}",
    ]

    /// Where the parser differs, on purpose: Foundation refuses some zeros with an exponent (`0e1`, `0E5`,
    /// `0.00E7`, but takes `-0e1`, `0e+1` and `0.0e1`), and takes a NUL byte next to a top-level number
    /// (`"1\0"`). The parser takes the first as the number it is and refuses the second; a webhook body must be an
    /// object either way. And Foundation never reads the
    /// value of a later duplicate key (it keeps the first), so it does not notice that one is a malformed number
    /// (`{"dup":1,"dup":-}`); the parser reads every value.
    static func isKnownDifference(_ data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        let keys = text.matches(of: /"([^"\\]*)"\s*:/).map { String($0.output.1) }
        return text.contains("\0") || text.contains(/(^|[^0-9.\-])0(\.[0-9]*)?[eE]/) || Set(keys).count < keys.count
    }

    @Test func documentsAreReadAsFoundationReadsThem() {
        for document in Self.documents {
            let data = Data(document.utf8)
            #expect(Self.parsed(data) == Self.foundation(data), "\(document.debugDescription)")
        }
        #expect(Self.parsed(Data("0e1".utf8)) == .number(0))
        #expect(Self.parsed(Data("[0E5]".utf8)) == .array([.number(0)]))
        #expect(Self.parsed(Data("1\0".utf8)) == nil)
        #expect(Self.parsed(Data(#"{"dup":1,"dup":-}"#.utf8)) == nil)
    }

    /// One of `documents` with one to three bytes removed, inserted or replaced.
    static func mutatedDocument(_ generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \/"tfnu\#t\#n"#.utf8) + [0x5C, 0x41, 0x7A, 0x00, 0xC3, 0xA9]
        var bytes = Array(documents.randomElement(using: &generator)!.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0 where !bytes.isEmpty: bytes.remove(at: position)
            case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
            default: if !bytes.isEmpty { bytes[position] = alphabet.randomElement(using: &generator)! }
            }
        }
        return bytes
    }

    @Test func mutatedDocumentsAreReadAsFoundationReadsThem() async {
        var generator = SystemRandomNumberGenerator()
        var compared = 0
        for iteration in 0..<20_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            let bytes = Self.mutatedDocument(&generator)
            let data = Data(bytes)
            // The parser is only given what the check passes, as `UntrustedJSON.decode` does.
            guard (try? UntrustedJSON.check(data)) != nil, !Self.isKnownDifference(data) else { continue }
            compared += 1
            #expect(
                Self.parsed(data) == Self.foundation(data), "\(String(decoding: bytes, as: UTF8.self).debugDescription)"
            )
        }
        #expect(compared > 10_000)
    }

    enum FieldsOutcome: Equatable {
        case refused
        case notAnObject
        case fields([JSONValue?])
    }

    static let fieldNames = ["a", "dup", "event_id", "s", "x", "", "sensor_data", "6"]

    static func fieldsRead(_ bytes: [UInt8]) -> FieldsOutcome {
        bytes.withUnsafeBufferPointer { buffer in
            do {
                return try JSONParser.fields(fieldNames, of: buffer).map(FieldsOutcome.fields) ?? .notAnObject
            } catch {
                return .refused
            }
        }
    }

    /// What `fields` must give: the named values of the object `parse` reads.
    static func fieldsParsed(_ bytes: [UInt8]) -> FieldsOutcome {
        switch Self.parsed(Data(bytes)) {
        case nil: .refused
        case .object(let object)?: .fields(fieldNames.map { object[$0] })
        case _?: .notAnObject
        }
    }

    /// `fields`, which the gateway reads acknowledgements with, finds what `parse` does and refuses what it does.
    @Test func fieldsAreReadAsTheWholeDocumentIs() async {
        var generator = SystemRandomNumberGenerator()
        let escapedKey = Array(#"{"\u0061":1,"a":2,"s":"x"}"#.utf8)
        #expect(Self.fieldsRead(escapedKey) == .fields([.number(1), nil, nil, .string("x"), nil, nil, nil, nil]))
        for document in Self.documents {
            let bytes = Array(document.utf8)
            #expect(Self.fieldsRead(bytes) == Self.fieldsParsed(bytes), "\(document.debugDescription)")
        }
        for iteration in 0..<20_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            let bytes = Self.mutatedDocument(&generator)
            guard (try? UntrustedJSON.check(Data(bytes))) != nil else { continue }
            #expect(
                Self.fieldsRead(bytes) == Self.fieldsParsed(bytes),
                "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }
}
