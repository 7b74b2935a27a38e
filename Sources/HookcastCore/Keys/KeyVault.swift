import Crypto
import Foundation

/// Holds the master key that encrypts API keys at rest, and hashes presented keys for look-up.
public struct KeyVault: Sendable {
    static let fileName = "master.key"
    static let keyByteCount = 32

    // swift-crypto does not mark `SymmetricKey` Sendable on every platform; the raw bytes are, and rebuilding the
    // key per call is cheap next to the AES and SHA work.
    private let keyBytes: Data

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(keyBytes: Data) {
        self.keyBytes = keyBytes
    }

    /// Loads `dataDirectory/master.key`, creating it (mode 0600) with a new random 256-bit key on first start.
    ///
    /// A file of the wrong size is an error rather than replaced: a new key would make every stored key unreadable.
    public static func loadOrCreate(in dataDirectory: URL) throws -> KeyVault {
        try FileManager.default.createDirectory(
            at: dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let file = MasterKeyFile(url: dataDirectory.appendingPathComponent(fileName), byteCount: keyByteCount)
        if let bytes = try file.read() {
            return KeyVault(keyBytes: bytes)
        }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Another process may have won the race to create the file; its key is the one to use.
        return KeyVault(keyBytes: try file.create(fresh))
    }

    /// Tells master keys apart without revealing them: an HMAC of a fixed text under the key. Gateways sharing a
    /// database store the first one's (`StoreSharing.agree`) and refuse to start with another.
    public var checkValue: String {
        HMAC<SHA256>.authenticationCode(for: Data("hookcast master key check".utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// Refuses a master key other than the one the gateways sharing `sharing`'s database use, the first of them
    /// proposing its own.
    public func checkShared(by sharing: any StoreSharing, in dataDirectory: URL) async throws {
        let agreed = try await sharing.agree(on: "master-key-check", proposing: checkValue)
        guard agreed == checkValue else {
            throw KeyVaultError.masterKeyNotShared(path: dataDirectory.appendingPathComponent(Self.fileName).path)
        }
    }

    /// SHA-256 of the presented key string: what the store indexes, so look-up needs no decryption.
    public func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// AES-GCM, combined form (nonce + ciphertext + tag).
    public func encrypt(_ secret: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else {
            throw KeyVaultError.encryptionFailed
        }
        return combined
    }

    /// Throws `KeyVaultError.decryptionFailed` for data sealed under another master key or damaged.
    public func decrypt(_ data: Data) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: key)
            guard let secret = String(bytes: plain, encoding: .utf8) else { throw KeyVaultError.decryptionFailed }
            return secret
        } catch {
            throw KeyVaultError.decryptionFailed
        }
    }
}
