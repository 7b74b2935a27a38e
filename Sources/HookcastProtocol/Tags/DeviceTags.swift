/// Device tags: free-form labels (`"lobby"`, `"Floor 2"`) that an action can also target. A tag is 1 to 64
/// printable characters (and at most 256 UTF-8 bytes) after trimming; a device has at most 50.
///
/// On the broker a tag is one topic level, `hookcast/v1/tags/<level>/commands`, where the level is the tag's UTF-8
/// bytes percent-encoded except for RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), hex digits in
/// upper case: `Floor 2` is `Floor%202`. So `/`, `+` and `#` never reach a topic, and two tags never share one.
/// Python's `urllib.parse.quote(tag, safe="")` gives the same level.
public enum DeviceTags {
    public static let maximumCount = 50
    public static let maximumLength = 64
    public static let maximumBytes = 256

    /// The tags trimmed and without duplicates, in the order given; an empty tag, one over 64 characters or with
    /// a control character, or more than `maximumCount` of them, is a `ValidationError` naming `field`.
    public static func validated(_ tags: [String], field: String = "tags") throws(ValidationError) -> [String] {
        guard tags.count <= maximumCount else {
            throw ValidationError(field: field, message: "must have at most \(maximumCount) entries")
        }
        var valid: [String] = []
        for tag in tags {
            let trimmed = trimmingWhitespace(tag)
            guard (1...maximumLength).contains(trimmed.count), trimmed.utf8.count <= maximumBytes,
                !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw ValidationError(
                    field: field, message: "entries must be 1 to \(maximumLength) printable characters")
            }
            if !valid.contains(trimmed) { valid.append(trimmed) }
        }
        return valid
    }

    /// Without Foundation's `trimmingCharacters`: the broker plugin links this module, and that call would pull
    /// Foundation's ICU data into it.
    private static func trimmingWhitespace(_ text: String) -> String {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        return start < end ? String(text[start..<end]) : ""
    }

    /// The tag's topic level (see the type's comment).
    public static func topicLevel(_ tag: String) -> String {
        var level = ""
        for byte in tag.utf8 {
            if isUnreserved(byte) {
                level.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                level += "%"
                level.unicodeScalars.append(hexDigits[Int(byte >> 4)])
                level.unicodeScalars.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return level
    }

    /// Whether `level` could be a tag's topic level: 1 to 768 bytes (a tag's 256 bytes, each encoded as three),
    /// only unreserved characters and `%` followed by two upper-case hex digits.
    public static func isTopicLevel(_ level: Substring) -> Bool {
        let bytes = Array(level.utf8)
        guard (1...maximumBytes * 3).contains(bytes.count) else { return false }
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isUpperHex(bytes[index + 1]), isUpperHex(bytes[index + 2]) else {
                    return false
                }
                index += 3
            } else {
                guard isUnreserved(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    private static let hexDigits: [Unicode.Scalar] = Array("0123456789ABCDEF".unicodeScalars)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func isUpperHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
