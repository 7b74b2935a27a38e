import Foundation
import HookcastProtocol

/// Creates, manages and checks API keys. Keys are read from the store on every call (no cache), so disabling or
/// deleting a key takes effect on the next request.
public struct APIKeyService: Sendable {
    /// Longest presented key worth hashing; real keys are 46 characters.
    static let maxPresentedLength = 256

    let vault: KeyVault
    let repository: any KeyRepository
    private let now: @Sendable () -> Date

    /// `now` is the clock for `createdAt` and `lastUsedAt`; tests pass a fixed one.
    public init(vault: KeyVault, repository: any KeyRepository, now: @escaping @Sendable () -> Date = { Date() }) {
        self.vault = vault
        self.repository = repository
        self.now = now
    }

    /// Creates an enabled webhook key. The secret is returned once here and can later be shown with `reveal(id:)`.
    /// A key that requires signatures gets a signing secret at once (returned too).
    /// `eventIDs` and `expiresAt` scope it (`APIKey+Scope`).
    public func create(
        name: String, requireSignature: Bool = false, rateLimit: RateLimit? = nil, eventIDs: [EventID]? = nil,
        expiresAt: Date? = nil
    ) async throws -> (APIKey, APIKeySecret, SigningSecret?) {
        let name = try DisplayName.validate(name)
        let rateLimit = try rateLimit?.validated()
        let secret = APIKeySecret.generate()
        let signing = requireSignature ? SigningSecret.generate() : nil
        let record = APIKey(
            id: .random(),
            name: name,
            enabled: true,
            createdAt: now(),
            lastUsedAt: nil,
            maskedKey: secret.masked,
            requireSignature: requireSignature,
            rateLimit: rateLimit,
            eventIDs: eventIDs,
            expiresAt: expiresAt
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
        return (visible(stored), created)
    }

    /// Sets the key's own rate limit; nil returns it to the server's default.
    @discardableResult
    public func setRateLimit(id: UUID, _ limit: RateLimit?) async throws -> APIKey {
        let limit = try limit?.validated()
        var stored = try await existing(id)
        stored.record.rateLimit = limit
        try await repository.update(stored)
        return visible(stored)
    }

    /// Sets which events the key may trigger (nil: every event) and from when it is refused (nil: never; a time
    /// already past refuses it at once).
    @discardableResult
    public func setScope(id: UUID, eventIDs: [EventID]?, expiresAt: Date?) async throws -> APIKey {
        var stored = try await existing(id)
        stored.record.eventIDs = eventIDs
        stored.record.expiresAt = expiresAt?.roundedToMilliseconds
        try await repository.update(stored)
        return visible(stored)
    }

    /// Nil when `key` may trigger `event` now; else why not.
    public func refusal(of key: APIKey, for event: EventID) -> APIKeyRefusal? {
        key.refusal(for: event, at: now())
    }

    /// How long a rotated-out signing secret stays valid unless the rotation says otherwise: a day, for a sender
    /// to deploy the new one without its signed requests failing meanwhile.
    public static let defaultSigningSecretGrace: TimeInterval = 24 * 3600
    /// The longest grace a rotation may give; past it a leaked old secret would stay good too long.
    public static let maximumSigningSecretGrace: TimeInterval = 30 * 24 * 3600

    /// A new signing secret. The one it replaces stays valid for `grace` seconds (0: it stops at once); a secret
    /// already in its grace period is dropped, so at most two are ever accepted. Throws `ValidationError` for a
    /// grace outside 0 ... `maximumSigningSecretGrace`.
    public func rotateSigningSecret(
        id: UUID, grace: TimeInterval = defaultSigningSecretGrace
    ) async throws -> (APIKey, SigningSecret) {
        guard grace.isFinite, (0...Self.maximumSigningSecretGrace).contains(grace) else {
            throw ValidationError(
                field: "grace_seconds",
                message: "must be 0 to \(Int(Self.maximumSigningSecretGrace)) seconds (30 days).")
        }
        var stored = try await existing(id)
        let signing = SigningSecret.generate()
        if grace > 0, let current = stored.encryptedSigningSecret {
            stored.encryptedPreviousSigningSecret = current
            stored.record.previousSigningSecretExpiresAt = now().addingTimeInterval(grace).roundedToMilliseconds
        } else {
            stored.encryptedPreviousSigningSecret = nil
        }
        stored.encryptedSigningSecret = try vault.encrypt(signing.value)
        try await repository.update(stored)
        return (visible(stored), signing)
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
        try await repository.all().map(visible)
    }

    /// Nil when there is no such key.
    public func get(id: UUID) async throws -> APIKey? {
        try await repository.find(id: id).map(visible)
    }

    /// The record as the admin sees it: a previous signing secret past its grace is no longer mentioned.
    func visible(_ stored: StoredAPIKey) -> APIKey {
        var record = stored.record
        if let expiry = record.previousSigningSecretExpiresAt, expiry <= now() {
            record.previousSigningSecretExpiresAt = nil
        }
        return record
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
        return visible(stored)
    }

    @discardableResult
    public func rename(id: UUID, name: String) async throws -> APIKey {
        let name = try DisplayName.validate(name)
        var stored = try await existing(id)
        stored.record.name = name
        try await repository.update(stored)
        return visible(stored)
    }

    /// Throws `StoreError.notFound` when there is no such key.
    public func delete(id: UUID) async throws {
        guard try await repository.delete(id: id) else { throw StoreError.notFound(Self.notFoundMessage(id)) }
    }

    /// The enabled key matching `presented`, with `lastUsedAt` set to now; nil for an unknown or disabled key.
    public func authenticate(_ presented: String) async throws -> APIKey? {
        try await authenticateWithSigningSecret(presented)?.key
    }

    /// As `authenticate`, with the key's signing secret (if it has one) for checking a signed request, and the
    /// one the last rotation replaced while its grace period runs.
    public func authenticateWithSigningSecret(_ presented: String) async throws -> (
        key: APIKey, signingSecret: SigningSecret?, previousSigningSecret: SigningSecret?
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
        var previous: SigningSecret?
        if let encrypted = stored.encryptedPreviousSigningSecret,
            let expiry = stored.record.previousSigningSecretExpiresAt, usedAt < expiry
        {
            previous = try Self.signingSecret(vault.decrypt(encrypted))
        }
        return (visible(stored), signing, previous)
    }

    /// Seconds within which repeated use of a key does not rewrite its `lastUsedAt`.
    public static let lastUsedResolution: TimeInterval = 60

    func existing(_ id: UUID) async throws -> StoredAPIKey {
        guard let stored = try await repository.find(id: id) else {
            throw StoreError.notFound(Self.notFoundMessage(id))
        }
        return stored
    }

    private static func notFoundMessage(_ id: UUID) -> String {
        "API key '\(id.lowercasedString)' does not exist"
    }
}
