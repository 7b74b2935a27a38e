import Foundation

/// Stored API keys. The service relies on every read seeing the latest write: an implementation may cache only
/// what it forgets on every write made through it (`CachingStore`).
public protocol KeyRepository: Sendable {
    /// Throws `StoreError.conflict` when the id or the secret hash exists already.
    func insert(_ key: StoredAPIKey) async throws
    /// Oldest first.
    func all() async throws -> [StoredAPIKey]
    func find(id: UUID) async throws -> StoredAPIKey?
    func find(hash: Data) async throws -> StoredAPIKey?
    /// Saves name, enabled, scope, whether a signature is required, the rate limit, the signing secret and the
    /// previous one with its expiry, the events the key may trigger, its expiry and its callback.
    /// Throws `StoreError.notFound` when the key does not exist.
    func update(_ key: StoredAPIKey) async throws
    /// False when there was no such key.
    func delete(id: UUID) async throws -> Bool
    /// Records a use of the key; does nothing when the key was deleted meanwhile.
    func touch(id: UUID, at date: Date) async throws
}
