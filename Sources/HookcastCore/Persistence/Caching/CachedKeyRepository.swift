import Foundation

/// Keys by secret hash, the lookup every webhook makes, and by id, which every webhook's trigger makes too (for the
/// key's callback URL). Misses are cached too (an unknown key is asked for again and again by a misconfigured
/// sender); any write, including a key's "last used" touch, forgets everything.
struct CachedKeyRepository: KeyRepository {
    private let wrapped: any KeyRepository
    let byHash = ReadCache<Data, StoredAPIKey?>(capacity: 10_000)
    let byID = ReadCache<UUID, StoredAPIKey?>(capacity: 10_000)

    init(_ wrapped: any KeyRepository) {
        self.wrapped = wrapped
    }

    func insert(_ key: StoredAPIKey) async throws { try await writing { try await wrapped.insert(key) } }
    func all() async throws -> [StoredAPIKey] { try await wrapped.all() }

    func find(id: UUID) async throws -> StoredAPIKey? {
        try await byID.value(for: id) { try await wrapped.find(id: id) }
    }

    func find(hash: Data) async throws -> StoredAPIKey? {
        try await byHash.value(for: hash) { try await wrapped.find(hash: hash) }
    }

    func update(_ key: StoredAPIKey) async throws { try await writing { try await wrapped.update(key) } }
    func delete(id: UUID) async throws -> Bool { try await writing { try await wrapped.delete(id: id) } }

    func touch(id: UUID, at date: Date) async throws {
        try await writing { try await wrapped.touch(id: id, at: date) }
    }

    /// Forgets both caches' answers (see `ReadCache.writing`).
    func invalidate() {
        byHash.invalidate()
        byID.invalidate()
    }

    private func writing<T>(_ write: () async throws -> T) async throws -> T {
        try await byHash.writing { try await byID.writing(write) }
    }
}
