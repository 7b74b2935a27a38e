import Crypto

/// The SHA-256 of a password, as the plugin keeps it: 32 bytes in four words instead of a 64-digit string, so a
/// table of 100,000 accounts stays small. In requests and in the gateway accounts file it is 64 lowercase hex
/// digits (docs/security.md says why a fast hash is right for Hookcast's 192-bit random passwords).
public struct StoredCredential: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Parses exactly 64 lowercase hex digits; nil for anything else. Allocates nothing: every account of a
    /// control request passes through here on the broker's thread.
    public init?(hex: some StringProtocol) {
        let digits = hex.utf8
        guard digits.count == 64 else { return nil }
        var parsed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var word: UInt64 = 0
        for (index, digit) in digits.enumerated() {
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            word = word << 4 | UInt64(value)
            guard index % 16 == 15 else { continue }
            switch index / 16 {
            case 0: parsed.0 = word
            case 1: parsed.1 = word
            case 2: parsed.2 = word
            default: parsed.3 = word
            }
            word = 0
        }
        words = parsed
    }

    /// The credential of `password`: SHA-256 of its UTF-8 bytes.
    public init(password: some StringProtocol) {
        self.init(digest: SHA256.hash(data: Array(password.utf8)))
    }

    private init(digest: SHA256.Digest) {
        var parsed: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in digest.enumerated() {
            parsed[index / 8] = parsed[index / 8] << 8 | UInt64(byte)
        }
        words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    /// Whether `password` hashes to this credential, comparing all 32 bytes whatever differs first, so the time
    /// taken tells nothing about how much of a guess was right.
    public func matches(password: some StringProtocol) -> Bool {
        let other = StoredCredential(password: password)
        let difference =
            (words.0 ^ other.words.0) | (words.1 ^ other.words.1) | (words.2 ^ other.words.2)
            | (words.3 ^ other.words.3)
        return difference == 0
    }

    /// 64 lowercase hex digits, as requests carry it. Written into one allocation: every account a compaction
    /// writes passes through here, and every changed account the digest counts again.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            var index = 0
            func write(_ word: UInt64) {
                for shift in stride(from: 60, through: 0, by: -4) {
                    let nibble = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0xF
                    buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                    index += 1
                }
            }
            write(words.0)
            write(words.1)
            write(words.2)
            write(words.3)
            return index
        }
    }

    public static func == (lhs: StoredCredential, rhs: StoredCredential) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
