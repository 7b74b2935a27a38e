import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes; the bytes are the HMAC key.
/// Masked in every textual form, like `APIKeySecret`.
public struct SigningSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let prefix = "whsec_"

    /// The full secret, for the responses that show it to the admin.
    public let value: String

    /// Nil unless `value` is `whsec_` followed by standard base64.
    public init?(value: String) {
        guard value.hasPrefix(Self.prefix), Data(base64Encoded: String(value.dropFirst(Self.prefix.count))) != nil
        else { return nil }
        self.value = value
    }

    public static func generate() -> SigningSecret {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Always valid: the prefix and standard base64 are what init checks.
        return SigningSecret(unchecked: prefix + bytes.base64EncodedString())
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// The HMAC key.
    var keyBytes: Data { Data(base64Encoded: String(value.dropFirst(Self.prefix.count))) ?? Data() }

    public var description: String { Self.prefix + "…" }
    public var debugDescription: String { "SigningSecret(\(Self.prefix)…)" }
    public var customMirror: Mirror { Mirror(self, children: ["masked": description]) }
}
