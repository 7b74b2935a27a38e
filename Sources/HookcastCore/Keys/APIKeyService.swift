import Foundation

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
    public func create(name: String) async throws -> (APIKey, APIKeySecret) {
        let name = try DisplayName.validate(name)
        let secret = APIKeySecret.generate()
        let record = APIKey(
            id: UUID(),
            name: name,
            enabled: true,
            createdAt: now(),
            lastUsedAt: nil,
            maskedKey: secret.masked
        )
        let stored = StoredAPIKey(
            record: record,
            secretHash: vault.hash(secret.value),
            encryptedSecret: try vault.encrypt(secret.value)
        )
        try await repository.insert(stored)
        return (record, secret)
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
        return stored.record
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
