import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresKeyRepository: KeyRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    private static let columns =
        "id, name, enabled, scope, created_at, last_used_at, masked_key, secret_hash, encrypted_secret, "
        + "require_signature, rate_limit, signing_secret, previous_signing_secret, previous_signing_secret_expires_at, "
        + "event_ids, expires_at, callback_url, callback_secret"

    func insert(_ key: StoredAPIKey) async throws {
        let record = key.record
        var statement = PostgresStatement()
        let values = try [
            statement.bind(record.id), statement.bind(record.name), statement.bind(record.enabled),
            statement.bind(record.scope), statement.bind { $0.append(date: record.createdAt) },
            statement.bind { $0.append(date: record.lastUsedAt) }, statement.bind(record.maskedKey),
            statement.bind { $0.append(bytes: key.secretHash) },
            statement.bind { $0.append(bytes: key.encryptedSecret) },
            statement.bind(record.requireSignature), statement.bind { try $0.append(json: record.rateLimit) },
            statement.bind { $0.append(bytes: key.encryptedSigningSecret) },
            statement.bind { $0.append(bytes: key.encryptedPreviousSigningSecret) },
            statement.bind { $0.append(date: record.previousSigningSecretExpiresAt) },
            statement.bind { try $0.append(json: record.eventIDs) },
            statement.bind { $0.append(date: record.expiresAt) },
            statement.bind { $0.append(text: key.callback?.url) },
            statement.bind { $0.append(bytes: key.callback?.encryptedSecret) },
        ]
        let query = statement.query(
            "INSERT INTO api_keys (\(Self.columns)) VALUES (\(values.joined(separator: ", ")))")
        try await pool.write(conflictMessage: "API key '\(record.id.lowercasedString)' already exists") { connection in
            try await connection.rows(query, logger: logger)
        }
    }

    func all() async throws -> [StoredAPIKey] {
        try await read("ORDER BY created_at, id", PostgresStatement())
    }

    func find(id: UUID) async throws -> StoredAPIKey? {
        var statement = PostgresStatement()
        let placeholder = statement.bind(id)
        return try await read("WHERE id = \(placeholder)", statement).first
    }

    func find(hash: Data) async throws -> StoredAPIKey? {
        var statement = PostgresStatement()
        let placeholder = statement.bind { $0.append(bytes: hash) }
        return try await read("WHERE secret_hash = \(placeholder)", statement).first
    }

    private func read(_ clause: String, _ statement: PostgresStatement) async throws -> [StoredAPIKey] {
        try await pool.read { connection in
            try await connection.rows(statement.query("SELECT \(Self.columns) FROM api_keys \(clause)"), logger: logger)
                .map(Self.decode)
        }
    }

    func update(_ key: StoredAPIKey) async throws {
        let record = key.record
        var statement = PostgresStatement()
        let sql = try """
        UPDATE api_keys SET name = \(statement.bind(record.name)), enabled = \(statement.bind(record.enabled)),
            scope = \(statement.bind(record.scope)),
            require_signature = \(statement.bind(record.requireSignature)),
            rate_limit = \(statement.bind { try $0.append(json: record.rateLimit) }),
            signing_secret = \(statement.bind { $0.append(bytes: key.encryptedSigningSecret) }),
            previous_signing_secret = \(statement.bind { $0.append(bytes: key.encryptedPreviousSigningSecret) }),
            previous_signing_secret_expires_at = \(statement.bind { $0.append(date: record.previousSigningSecretExpiresAt) }),
            event_ids = \(statement.bind { try $0.append(json: record.eventIDs) }),
            expires_at = \(statement.bind { $0.append(date: record.expiresAt) }),
            callback_url = \(statement.bind { $0.append(text: key.callback?.url) }),
            callback_secret = \(statement.bind { $0.append(bytes: key.callback?.encryptedSecret) })
        WHERE id = \(statement.bind(record.id)) RETURNING id
        """
        let query = statement.query(sql)
        let updated = try await pool.write { connection in
            try await connection.rows(query, logger: logger).count
        }
        guard updated > 0 else { throw StoreError.notFound("API key '\(record.id.lowercasedString)' does not exist") }
    }

    func delete(id: UUID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows("DELETE FROM api_keys WHERE id = \(id) RETURNING id", logger: logger).isEmpty
        }
    }

    func touch(id: UUID, at date: Date) async throws {
        try await pool.write { connection in
            try await connection.rows(
                "UPDATE api_keys SET last_used_at = \(date.millisecondsSince1970) WHERE id = \(id)", logger: logger)
        }
    }

    private static func decode(_ row: PostgresRow) throws -> StoredAPIKey {
        let values = row.values()
        return StoredAPIKey(
            record: APIKey(
                id: try values.uuid("id"),
                name: try values.string("name"),
                enabled: try values.bool("enabled"),
                scope: try values.string("scope"),
                createdAt: try values.date("created_at"),
                lastUsedAt: try values.optionalDate("last_used_at"),
                maskedKey: try values.string("masked_key"),
                requireSignature: try values.bool("require_signature"),
                rateLimit: try values.optionalJSON(RateLimit.self, "rate_limit"),
                previousSigningSecretExpiresAt: try values.optionalDate("previous_signing_secret_expires_at"),
                eventIDs: try values.optionalJSON([EventID].self, "event_ids"),
                expiresAt: try values.optionalDate("expires_at")
            ),
            secretHash: try values.bytes("secret_hash"),
            encryptedSecret: try values.bytes("encrypted_secret"),
            encryptedSigningSecret: try values.optionalBytes("signing_secret"),
            encryptedPreviousSigningSecret: try values.optionalBytes("previous_signing_secret"),
            callback: try PostgresActionRepository.callback(values)
        )
    }
}
