/// Why the master key could not be loaded or a secret could not be sealed or opened.
public enum KeyVaultError: Error, Sendable, Equatable, CustomStringConvertible {
    case masterKeyWrongSize(path: String, size: Int)
    case masterKeyUnreadable(path: String, reason: String)
    case masterKeyNotCreated(path: String, reason: String)
    case encryptionFailed
    case decryptionFailed
    /// Gateways sharing a database must seal API keys' secrets under one master key.
    case masterKeyNotShared(path: String)

    public var description: String {
        switch self {
        case .masterKeyWrongSize(let path, let size):
            "The master key file \(path) holds \(size) bytes instead of 32; restore it from a backup, because "
                + "Hookcast will not replace it and lose access to the stored API keys."
        case .masterKeyUnreadable(let path, let reason):
            "The master key file \(path) could not be read: \(reason)."
        case .masterKeyNotCreated(let path, let reason):
            "The master key file \(path) could not be created: \(reason)."
        case .encryptionFailed:
            "An API key could not be encrypted."
        case .decryptionFailed:
            "A stored API key could not be decrypted; the master key is not the one it was encrypted with."
        case .masterKeyNotShared(let path):
            "The master key \(path) is not the one the other gateways on this database use, and API keys they "
                + "made could not be read here. Copy master.key from one of their data directories over this one "
                + "before starting this gateway."
        }
    }
}
