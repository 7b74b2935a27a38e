import Foundation

/// The one way Hookcast decodes JSON it did not write (webhook bodies, GET payloads, sensor data in a string).
/// Foundation's decoder traps, taking the whole process down, on some malformed input nested past its depth
/// limit (found by the payload fuzz test), so input is checked first: valid UTF-8, and nested no deeper than
/// `maximumDepth`. Both checks are one linear pass.
public enum UntrustedJSON {
    /// Deeper than any real webhook; far below Foundation's own limit of 512.
    public static let maximumDepth = 64

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notUTF8
        case nestedTooDeeply
        case invalid

        public var description: String {
            switch self {
            case .notUTF8: "not valid UTF-8"
            case .nestedTooDeeply: "nested more than \(UntrustedJSON.maximumDepth) levels deep"
            case .invalid: "not valid JSON"
            }
        }
    }

    /// Throws unless `data` is UTF-8 nested no deeper than `maximumDepth`.
    public static func check(_ data: Data) throws(Failure) {
        let result: Result<Void, Failure> = data.withUnsafeBytes { raw in
            Result { () throws(Failure) in try check(raw.bindMemory(to: UInt8.self)) }
        }
        try result.get()
    }

    public static func decode(_ data: Data) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = data.withUnsafeBytes { raw in
            Result { () throws(Failure) in try decode(raw.bindMemory(to: UInt8.self)) }
        }
        return try result.get()
    }

    /// The same for bytes as an MQTT message carries them, without copying them into `Data` first: the gateway
    /// reads one acknowledgement per device per command.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in try decode(buffer) }
        }
        return try result.get()
    }

    /// `decode`'s checks and parsing, reading only the fields named `names` of an object (`JSONParser.fields`):
    /// nil when the document is valid but not an object.
    public static func fields(_ names: [String], of bytes: [UInt8]) throws(Failure) -> [JSONValue?]? {
        let result: Result<[JSONValue?]?, Failure> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in
                try check(buffer)
                do {
                    return try JSONParser.fields(names, of: buffer)
                } catch {
                    throw .invalid
                }
            }
        }
        return try result.get()
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        guard depthWithinLimit(bytes) else { throw .nestedTooDeeply }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        try check(bytes)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .invalid
        }
    }

    /// `check`, then `decoder`'s own decoding (whose errors pass through unchanged).
    public static func decode<Value: Decodable>(
        _ type: Value.Type, from data: Data, using decoder: JSONDecoder = JSONCoding.decoder()
    ) throws -> Value {
        try check(data)
        return try decoder.decode(type, from: data)
    }

    /// Counts brackets outside strings; escapes inside strings are skipped.
    static func depthWithinLimit(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumDepth { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return true
    }
}
