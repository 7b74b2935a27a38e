import Foundation

/// An API key as the store keeps it: the public record plus the hash used for look-up and the encrypted secret.
public struct StoredAPIKey: Sendable, Equatable {
    public var record: APIKey
    /// SHA-256 of the full key string.
    public var secretHash: Data
    /// AES-GCM (combined) of the full key string under the master key.
    public var encryptedSecret: Data
    /// AES-GCM (combined) of the Standard Webhooks signing secret, when the key has one. Encrypted, not hashed:
    /// verifying a signature needs the secret itself.
    public var encryptedSigningSecret: Data? {
        didSet { record.hasSigningSecret = encryptedSigningSecret != nil }
    }

    /// AES-GCM (combined) of the signing secret the last rotation replaced, accepted until
    /// `record.previousSigningSecretExpiresAt` so a sender can switch without a gap; nil when there is none.
    public var encryptedPreviousSigningSecret: Data? {
        didSet { if encryptedPreviousSigningSecret == nil { record.previousSigningSecretExpiresAt = nil } }
    }

    /// Where this key's delivery reports go, with their signing secret; `record.callbackURL` follows it.
    public var callback: CallbackTarget? {
        didSet { record.callbackURL = callback?.url }
    }

    public init(
        record: APIKey, secretHash: Data, encryptedSecret: Data, encryptedSigningSecret: Data? = nil,
        encryptedPreviousSigningSecret: Data? = nil, callback: CallbackTarget? = nil
    ) {
        var record = record
        record.hasSigningSecret = encryptedSigningSecret != nil
        if encryptedPreviousSigningSecret == nil { record.previousSigningSecretExpiresAt = nil }
        record.callbackURL = callback?.url
        self.record = record
        self.secretHash = secretHash
        self.encryptedSecret = encryptedSecret
        self.encryptedSigningSecret = encryptedSigningSecret
        self.encryptedPreviousSigningSecret = encryptedPreviousSigningSecret
        self.callback = callback
    }
}
