/// Writes JSON straight into bytes. For what the gateway writes once or more per command (the command envelope and
/// the stored JSON columns), where Foundation's `JSONEncoder` cost a tenth of the gateway's CPU per webhook: it
/// builds a tree of boxed values and sorts keys for every message.
///
/// The output is byte for byte what `JSONCoding.encoder()` writes for the same values (sorted keys, `/` not
/// escaped); `JSONWriterTests` holds every writer against it. Callers write an object's keys in sorted order.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether nothing was written in it yet (no comma before the next element).
    private var isFirst: [Bool] = []
    /// A key was just written: its value takes no comma.
    private var afterKey = false

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func openObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        isFirst.append(true)
    }

    public mutating func closeObject() {
        bytes.append(UInt8(ascii: "}"))
        isFirst.removeLast()
    }

    public mutating func openArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        isFirst.append(true)
    }

    public mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
        isFirst.removeLast()
    }

    /// A key of the object being written; names are the program's own, plain ASCII that needs no escaping.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                appendEscaped(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As Foundation writes a `Double`: Swift's shortest round-trip spelling, without a trailing `.0`. JSON has no
    /// NaN or infinity; those are written as null, as `JSONValue` encodes them.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A value already encoded as JSON text elsewhere.
    public mutating func json(_ text: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: text)
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let first = isFirst.last else { return }
        if first {
            isFirst[isFirst.count - 1] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }
    }
}

/// A value that writes itself with `JSONWriter`, as `JSONCoding.encoder()` would encode it.
public protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The JSON text, as bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// The JSON text.
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.openArray()
        for element in self { element.write(to: &writer) }
        writer.closeArray()
    }
}
