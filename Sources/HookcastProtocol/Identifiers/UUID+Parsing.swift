import Foundation

extension UUID {
    /// `UUID(uuidString:)` without its cost for the ids Hookcast writes: on Linux that initialiser parses with
    /// `sscanf`, and the gateway reads a command id from every acknowledgement and from every row of a command's
    /// answers (10,000 of each for one broadcast). The canonical form (36 characters, hyphens after the 8th, 12th,
    /// 16th and 20th hex digit, digits in either case) is read here; anything else goes to `UUID(uuidString:)`,
    /// whose `sscanf` accepts a few more spellings (`0x` within a group), so both accept and read exactly the same
    /// (`UUIDParsingTests`), as the acknowledgement's `Decodable` reading requires.
    public init?(parsing text: String) {
        var text = text
        if let bytes = text.withUTF8({ UUID.bytes(ofCanonical: $0) }) {
            self.init(uuid: bytes)
        } else {
            self.init(uuidString: text)
        }
    }

    private static func bytes(ofCanonical text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var result: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &result) { output -> Bool in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = hexValue(text[position]), let low = hexValue(text[position + 1]) else { return false }
                output[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return parsed ? result : nil
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
