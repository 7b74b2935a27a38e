import Foundation
import HookcastProtocol

/// Creates, manages and checks API keys. Keys are read from the store on every call (no cache), so disabling or
/// deleting a key takes effect on the next request.
public struct APIKeyService: Sendable {
    /// Longest presented key worth hashing; real keys are 46 characters.
    static let maxPresentedLength = 256

    private let vault: KeyVault
    private let repository: any KeyRepository
    private let now: @Sendable () -> Date

    /// `now` is the clock for `createdAt` and `lastUsedAt`; tests pass a fixed one.
    public init(vault: KeyVault, repository: any KeyRepository, now: @escaping @Sendable () -> Date = { Date() }) {
        self.vault = vault
        self.repository = repository
        self.now = now
    }

    /// Creates an enabled webhook key. The secret is returned once here and can later be shown with `reveal(id:)`.
    /// A key that requires signatures gets a signing secret at once (returned too).
    public func create(
        name: String, requireSignature: Bool = false, rateLimit: RateLimit? = nil
    ) async throws -> (APIKey, APIKeySecret, SigningSecret?) {
        let name = try DisplayName.validate(name)
        let rateLimit = try rateLimit?.validated()
        let secret = APIKeySecret.generate()
        let signing = requireSignature ? SigningSecret.generate() : nil
        let record = APIKey(
            id: UUID(),
            name: name,
            enabled: true,
            createdAt: now(),
            lastUsedAt: nil,
            maskedKey: secret.masked,
            requireSignature: requireSignature,
            rateLimit: rateLimit
        )
        let stored = StoredAPIKey(
            record: record,
            secretHash: vault.hash(secret.value),
            encryptedSecret: try vault.encrypt(secret.value),
            encryptedSigningSecret: try signing.map { try vault.encrypt($0.value) }
        )
        try await repository.insert(stored)
        return (stored.record, secret, signing)
    }

    /// Changes whether signatures are required; requiring them creates a signing secret if there is none yet
    /// (returned; nil when the key kept the one it had).
    public func setRequireSignature(id: UUID, _ required: Bool) async throws -> (APIKey, SigningSecret?) {
        var stored = try await existing(id)
        var created: SigningSecret?
        if required && stored.encryptedSigningSecret == nil {
            let signing = SigningSecret.generate()
            stored.encryptedSigningSecret = try vault.encrypt(signing.value)
            created = signing
        }
        stored.record.requireSignature = required
        try await repository.update(stored)
        return (stored.record, created)
    }

    /// Sets the key's own rate limit; nil returns it to the server's default.
    @discardableResult
    public func setRateLimit(id: UUID, _ limit: RateLimit?) async throws -> APIKey {
        let limit = try limit?.validated()
        var stored = try await existing(id)
        stored.record.rateLimit = limit
        try await repository.update(stored)
        return stored.record
    }

    /// A new signing secret replaces the old one at once (senders must switch with it).
    public func rotateSigningSecret(id: UUID) async throws -> (APIKey, SigningSecret) {
        var stored = try await existing(id)
        let signing = SigningSecret.generate()
        stored.encryptedSigningSecret = try vault.encrypt(signing.value)
        try await repository.update(stored)
        return (stored.record, signing)
    }

    /// The key's signing secret, for the admin's "show" button; nil when it has none.
    public func revealSigningSecret(id: UUID) async throws -> SigningSecret? {
        let stored = try await existing(id)
        return try stored.encryptedSigningSecret.map { try Self.signingSecret(vault.decrypt($0)) }
    }

    private static func signingSecret(_ value: String) throws -> SigningSecret {
        guard let secret = SigningSecret(value: value) else { throw KeyVaultError.decryptionFailed }
        return secret
    }

    /// All keys, oldest first.
    public func list() async throws -> [APIKey] {
        try await repository.all().map(\.record)
    }

    /// Nil when there is no such key.
    public func get(id: UUID) async throws -> APIKey? {
        try await repository.find(id: id)?.record
    }

    /// Decrypts the key for the admin's "show key" button.
    public func reveal(id: UUID) async throws -> APIKeySecret {
        let stored = try await existing(id)
        return APIKeySecret(value: try vault.decrypt(stored.encryptedSecret))
    }

    @discardableResult
    public func setEnabled(id: UUID, _ enabled: Bool) async throws -> APIKey {
        var stored = try await existing(id)
        stored.record.enabled = enabled
        try await repository.update(stored)
        return stored.record
    }

    @discardableResult
    public func rename(id: UUID, name: String) async throws -> APIKey {
        let name = try DisplayName.validate(name)
        var stored = try await existing(id)
        stored.record.name = name
        try await repository.update(stored)
        return stored.record
    }

    /// Throws `StoreError.notFound` when there is no such key.
    public func delete(id: UUID) async throws {
        guard try await repository.delete(id: id) else { throw StoreError.notFound(Self.notFoundMessage(id)) }
    }

    /// The enabled key matching `presented`, with `lastUsedAt` set to now; nil for an unknown or disabled key.
    public func authenticate(_ presented: String) async throws -> APIKey? {
        try await authenticateWithSigningSecret(presented)?.key
    }

    /// As `authenticate`, with the key's signing secret (if it has one) for checking a signed request.
    public func authenticateWithSigningSecret(_ presented: String) async throws -> (
        key: APIKey, signingSecret: SigningSecret?
    )? {
        guard presented.hasPrefix(APIKeySecret.prefix), presented.utf8.count <= Self.maxPresentedLength else {
            return nil
        }
        let hash = vault.hash(presented)
        guard var stored = try await repository.find(hash: hash),
            ConstantTime.equal(stored.secretHash, hash),
            stored.record.enabled,
            stored.record.scope == APIKey.webhookScope
        else { return nil }
        let usedAt = now().roundedToMilliseconds
        // "Last used" is for people; writing it on every request would add a synchronous disk write to each
        // webhook, so it is written at most once per `lastUsedResolution`.
        if stored.record.lastUsedAt.map({ usedAt.timeIntervalSince($0) >= Self.lastUsedResolution }) ?? true {
            try await repository.touch(id: stored.record.id, at: usedAt)
            stored.record.lastUsedAt = usedAt
        }
        let signing = try stored.encryptedSigningSecret.map { try Self.signingSecret(vault.decrypt($0)) }
        return (stored.record, signing)
    }

    /// Seconds within which repeated use of a key does not rewrite its `lastUsedAt`.
    public static let lastUsedResolution: TimeInterval = 60

    private func existing(_ id: UUID) async throws -> StoredAPIKey {
        guard let stored = try await repository.find(id: id) else {
            throw StoreError.notFound(Self.notFoundMessage(id))
        }
        return stored
    }

    private static func notFoundMessage(_ id: UUID) -> String {
        "API key '\(id.uuidString.lowercased())' does not exist"
    }
}
