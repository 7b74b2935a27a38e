import Foundation

/// Base64 in both alphabets, with or without padding: integrators encode the GET payload with whatever their
/// language offers (`btoa`, `base64 -w0`, URL-safe variants), and the product page does not say which.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// URL-safe, unpadded. Written out rather than Foundation's encoding with three string replacements after
    /// it, which cost an import of 10,000 devices with broker passwords tens of milliseconds.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            // Up to three bytes make up to four characters: n bytes give n + 1.
            var group: UInt32 = 0
            var taken = 0
            while taken < 3, index != bytes.endIndex {
                group |= UInt32(bytes[index]) << UInt32(16 - 8 * taken)
                taken += 1
                index = bytes.index(after: index)
            }
            for position in 0...taken { characters.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 0x3f)]) }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Decodes standard or URL-safe Base64, padded or not. A '+' that became a space in a query string
    /// (form decoding) is read as '+'.
    static func decode(_ text: String) -> Data? {
        var normalized = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: " ", with: "+")
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        guard !normalized.isEmpty, normalized.utf8.allSatisfy({ Self.isBase64Character($0) }) else { return nil }
        let remainder = normalized.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { normalized += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: normalized)
    }

    private static func isBase64Character(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
