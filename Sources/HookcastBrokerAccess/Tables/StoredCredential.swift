import Crypto

/// The SHA-256 of a password, as the plugin keeps it: 32 bytes in four words instead of a 64-digit string, so a
/// table of 100,000 accounts stays small. In requests and in the gateway accounts file it is 64 lowercase hex
/// digits (docs/security.md says why a fast hash is right for Hookcast's 192-bit random passwords).
public struct StoredCredential: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Parses exactly 64 lowercase hex digits; nil for anything else.
    public init?(hex: some StringProtocol) {
        let digits = hex.utf8
        guard digits.count == 64 else { return nil }
        var parsed: [UInt64] = [0, 0, 0, 0]
        var index = 0
        for digit in digits {
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            parsed[index / 16] = parsed[index / 16] << 4 | UInt64(value)
            index += 1
        }
        words = (parsed[0], parsed[1], parsed[2], parsed[3])
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

    /// 64 lowercase hex digits, as requests carry it.
    public var hex: String {
        [words.0, words.1, words.2, words.3].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
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
