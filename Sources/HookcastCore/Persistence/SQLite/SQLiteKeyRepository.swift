import Foundation
import HookcastProtocol

struct SQLiteKeyRepository: KeyRepository {
    let database: SQLiteDatabase

    private static let columns =
        "id, name, enabled, scope, created_at, last_used_at, masked_key, secret_hash, encrypted_secret, "
        + "require_signature, rate_limit, signing_secret, previous_signing_secret, previous_signing_secret_expires_at, "
        + "event_ids, expires_at, callback_url, callback_secret"

    func insert(_ key: StoredAPIKey) async throws {
        let record = key.record
        try await database.write(conflictMessage: "API key '\(record.id.lowercasedString)' already exists") {
            try $0.execute(
                "INSERT INTO api_keys (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .uuid(record.id), .text(record.name), .bool(record.enabled), .text(record.scope),
                    .date(record.createdAt), .date(record.lastUsedAt), .text(record.maskedKey),
                    .bytes(key.secretHash), .bytes(key.encryptedSecret), .bool(record.requireSignature),
                    try .json(record.rateLimit), .bytes(key.encryptedSigningSecret),
                    .bytes(key.encryptedPreviousSigningSecret), .date(record.previousSigningSecretExpiresAt),
                    try .json(record.eventIDs), .date(record.expiresAt), .text(key.callback?.url),
                    .bytes(key.callback?.encryptedSecret),
                ]
            )
        }
    }

    func all() async throws -> [StoredAPIKey] {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM api_keys ORDER BY created_at, id").map(Self.decode)
        }
    }

    func find(id: UUID) async throws -> StoredAPIKey? {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM api_keys WHERE id = ?", [.uuid(id)]).first.map(Self.decode)
        }
    }

    func find(hash: Data) async throws -> StoredAPIKey? {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM api_keys WHERE secret_hash = ?", [.bytes(hash)])
                .first.map(Self.decode)
        }
    }

    func update(_ key: StoredAPIKey) async throws {
        let record = key.record
        let updated = try await database.write {
            try $0.query(
                """
                UPDATE api_keys SET name = ?, enabled = ?, scope = ?, require_signature = ?, rate_limit = ?,
                    signing_secret = ?, previous_signing_secret = ?, previous_signing_secret_expires_at = ?,
                    event_ids = ?, expires_at = ?, callback_url = ?, callback_secret = ?
                WHERE id = ? RETURNING id
                """,
                [
                    .text(record.name), .bool(record.enabled), .text(record.scope), .bool(record.requireSignature),
                    try .json(record.rateLimit), .bytes(key.encryptedSigningSecret),
                    .bytes(key.encryptedPreviousSigningSecret), .date(record.previousSigningSecretExpiresAt),
                    try .json(record.eventIDs), .date(record.expiresAt), .text(key.callback?.url),
                    .bytes(key.callback?.encryptedSecret), .uuid(record.id),
                ]
            )
        }
        guard !updated.isEmpty else {
            throw StoreError.notFound("API key '\(record.id.lowercasedString)' does not exist")
        }
    }

    func delete(id: UUID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM api_keys WHERE id = ? RETURNING id", [.uuid(id)]).isEmpty
        }
    }

    func touch(id: UUID, at date: Date) async throws {
        try await database.write {
            try $0.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.date(date), .uuid(id)])
        }
    }

    private static func decode(_ row: SQLiteRow) throws -> StoredAPIKey {
        StoredAPIKey(
            record: APIKey(
                id: try row.uuid("id"),
                name: try row.string("name"),
                enabled: try row.bool("enabled"),
                scope: try row.string("scope"),
                createdAt: try row.date("created_at"),
                lastUsedAt: try row.optionalDate("last_used_at"),
                maskedKey: try row.string("masked_key"),
                requireSignature: try row.bool("require_signature"),
                rateLimit: try row.optionalJSON(RateLimit.self, "rate_limit"),
                previousSigningSecretExpiresAt: try row.optionalDate("previous_signing_secret_expires_at"),
                eventIDs: try row.optionalJSON([EventID].self, "event_ids"),
                expiresAt: try row.optionalDate("expires_at")
            ),
            secretHash: try row.bytes("secret_hash"),
            encryptedSecret: try row.bytes("encrypted_secret"),
            encryptedSigningSecret: try row.optionalBytes("signing_secret"),
            encryptedPreviousSigningSecret: try row.optionalBytes("previous_signing_secret"),
            callback: try SQLiteActionRepository.callback(row)
        )
    }
}
