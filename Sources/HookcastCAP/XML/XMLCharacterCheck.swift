/// The whole input checked once before any markup is read: valid UTF-8 (no overlong forms, no surrogates, nothing past
/// U+10FFFF), and only characters XML 1.0 allows. After this the scanner can look at bytes alone and turn any slice
/// into a String without further checks.
enum XMLCharacterCheck {
    struct Problem {
        var offset: Int
        var code: String
        var message: String
    }

    static func firstProblem(in bytes: [UInt8], from start: Int) -> Problem? {
        var index = start
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D {
                    return notAllowed(UInt32(lead), at: index)
                }
                index += 1
                continue
            }
            let length: Int
            let secondRange: ClosedRange<UInt8>
            switch lead {
            case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
            case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
            case 0xED: (length, secondRange) = (3, 0x80...0x9F)
            case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
            case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
            case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
            default: return invalid(at: index)
            }
            guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else {
                return invalid(at: index)
            }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length {
                let byte = bytes[index + offset]
                guard byte & 0xC0 == 0x80 else { return invalid(at: index) }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            if scalar == 0xFFFE || scalar == 0xFFFF {
                return notAllowed(scalar, at: index)
            }
            index += length
        }
        return nil
    }

    /// XML 1.0's `Char` production, for numeric character references.
    static func isAllowed(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func invalid(at offset: Int) -> Problem {
        Problem(offset: offset, code: XMLReadError.Code.invalidUTF8, message: "the bytes here are not valid UTF-8")
    }

    private static func notAllowed(_ scalar: UInt32, at offset: Int) -> Problem {
        let hex = String(scalar, radix: 16, uppercase: true)
        return Problem(
            offset: offset, code: XMLReadError.Code.malformed,
            message: "character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex) is not allowed in XML")
    }
}
