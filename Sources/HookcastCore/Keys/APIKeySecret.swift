import Crypto
import Foundation

/// The full API key string, `hk_` + base64url of 32 random bytes.
///
/// Every textual form (`description`, `debugDescription`, reflection) is masked, so interpolating a secret into a log
/// line or an error cannot leak it; only `value` holds the real thing.
public struct APIKeySecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let prefix = "hk_"

    /// The full key, for the one response that shows it to the admin.
    public let value: String

    init(value: String) {
        self.value = value
    }

    /// A new key from the system's cryptographic random source.
    public static func generate() -> APIKeySecret {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let random = bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKeySecret(value: prefix + random)
    }

    /// The masked form, e.g. `hk_AbCd…wxyz`.
    public var masked: String { Self.mask(value) }

    public var description: String { masked }
    public var debugDescription: String { "APIKeySecret(\(masked))" }
    public var customMirror: Mirror { Mirror(self, children: ["masked": masked]) }

    /// Masks any presented key string; too-short input is masked completely rather than partly revealed.
    static func mask(_ key: String) -> String {
        let random = key.hasPrefix(prefix) ? key.dropFirst(prefix.count) : Substring(key)
        guard random.count >= 16 else { return prefix + "…" }
        return prefix + random.prefix(4) + "…" + random.suffix(4)
    }
}
