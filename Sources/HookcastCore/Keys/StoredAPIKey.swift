import Foundation

/// An API key as the store keeps it: the public record plus the hash used for look-up and the encrypted secret.
public struct StoredAPIKey: Sendable, Equatable {
    public var record: APIKey
    /// SHA-256 of the full key string.
    public var secretHash: Data
    /// AES-GCM (combined) of the full key string under the master key.
    public var encryptedSecret: Data

    public init(record: APIKey, secretHash: Data, encryptedSecret: Data) {
        self.record = record
        self.secretHash = secretHash
        self.encryptedSecret = encryptedSecret
    }
}
