import Foundation
import HookcastProtocol

struct InMemoryKeyRepository: KeyRepository {
    let database: InMemoryDatabase

    func insert(_ key: StoredAPIKey) async throws {
        try database.access { state in
            guard state.keys[key.record.id] == nil,
                !state.keys.values.contains(where: { $0.secretHash == key.secretHash })
            else { throw StoreError.conflict("API key '\(key.record.id.lowercasedString)' already exists") }
            state.keys[key.record.id] = key
        }
    }

    func all() async throws -> [StoredAPIKey] {
        try database.access { state in
            state.keys.values.sorted {
                ($0.record.createdAt, $0.record.id.uuidString) < ($1.record.createdAt, $1.record.id.uuidString)
            }
        }
    }

    func find(id: UUID) async throws -> StoredAPIKey? {
        try database.access { $0.keys[id] }
    }

    func find(hash: Data) async throws -> StoredAPIKey? {
        try database.access { state in state.keys.values.first { $0.secretHash == hash } }
    }

    func update(_ key: StoredAPIKey) async throws {
        try database.access { state in
            guard var existing = state.keys[key.record.id] else {
                throw StoreError.notFound("API key '\(key.record.id.lowercasedString)' does not exist")
            }
            existing.record.name = key.record.name
            existing.record.enabled = key.record.enabled
            existing.record.scope = key.record.scope
            existing.record.requireSignature = key.record.requireSignature
            existing.record.rateLimit = key.record.rateLimit
            existing.encryptedSigningSecret = key.encryptedSigningSecret
            existing.encryptedPreviousSigningSecret = key.encryptedPreviousSigningSecret
            existing.record.previousSigningSecretExpiresAt = key.record.previousSigningSecretExpiresAt
            existing.record.eventIDs = key.record.eventIDs
            existing.record.expiresAt = key.record.expiresAt
            existing.callback = key.callback
            state.keys[key.record.id] = existing
        }
    }

    func delete(id: UUID) async throws -> Bool {
        try database.access { $0.keys.removeValue(forKey: id) != nil }
    }

    func touch(id: UUID, at date: Date) async throws {
        try database.access { state in
            state.keys[id]?.record.lastUsedAt = date.roundedToMilliseconds
        }
    }
}
