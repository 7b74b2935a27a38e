import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresCAPRuleRepository: CAPRuleRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    func all() async throws -> [CAPRule] {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT rule FROM cap_rules ORDER BY created_at, id COLLATE \"C\"", logger: logger
            )
            .map { try $0.values().json(StoredCAPRule.self, "rule").restored }
        }
    }

    func find(id: CAPRuleID) async throws -> CAPRule? {
        try await pool.read { connection in
            try await connection.rows("SELECT rule FROM cap_rules WHERE id = \(id.rawValue)", logger: logger)
                .first.map { try $0.values().json(StoredCAPRule.self, "rule").restored }
        }
    }

    func insert(_ rule: CAPRule) async throws {
        let json = try Self.json(StoredCAPRule(rule))
        try await pool.write(conflictMessage: "CAP rule '\(rule.id)' already exists") { connection in
            try await connection.rows(
                """
                INSERT INTO cap_rules (id, rule, created_at)
                VALUES (\(rule.id.rawValue), \(json), \(rule.createdAt.millisecondsSince1970))
                """, logger: logger)
        }
    }

    func update(_ rule: CAPRule) async throws {
        try await pool.write { connection in
            guard
                let stored = try await connection.rows(
                    "SELECT rule FROM cap_rules WHERE id = \(rule.id.rawValue) FOR UPDATE", logger: logger
                ).first.map({ try $0.values().json(StoredCAPRule.self, "rule").restored })
            else { throw StoreError.notFound("CAP rule '\(rule.id)' does not exist") }
            var updated = rule
            updated.createdAt = stored.createdAt
            let json = try Self.json(StoredCAPRule(updated))
            try await connection.rows(
                "UPDATE cap_rules SET rule = \(json) WHERE id = \(rule.id.rawValue)", logger: logger)
        }
    }

    func delete(id: CAPRuleID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows("DELETE FROM cap_rules WHERE id = \(id.rawValue) RETURNING id", logger: logger)
                .isEmpty
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self)
    }
}

struct PostgresCAPAlertRepository: CAPAlertRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    /// The unique key decides between gateways posting the same alert at once: the loser reads the winner's record.
    func claim(_ record: CAPAlertRecord) async throws -> CAPAlertRecord? {
        let key = record.key
        let json = try PostgresCAPRuleRepository.json(record)
        return try await pool.write { connection in
            let inserted = try await connection.rows(
                """
                INSERT INTO cap_alerts (id, sender, identifier, sent, received_at, record)
                VALUES (\(record.id), \(key.sender), \(key.identifier), \(key.sent),
                    \(record.receivedAt.millisecondsSince1970), \(json))
                ON CONFLICT (sender, identifier, sent) DO NOTHING RETURNING id
                """, logger: logger)
            guard inserted.isEmpty else { return nil }
            return try await connection.rows(
                """
                SELECT record FROM cap_alerts
                WHERE sender = \(key.sender) AND identifier = \(key.identifier) AND sent = \(key.sent)
                """, logger: logger
            ).first.map { try $0.values().json(CAPAlertRecord.self, "record") }
        }
    }

    func remove(id: UUID) async throws {
        try await pool.write { connection in
            _ = try await connection.rows("DELETE FROM cap_alerts WHERE id = \(id)", logger: logger)
        }
    }

    func update(_ record: CAPAlertRecord) async throws {
        let json = try PostgresCAPRuleRepository.json(record)
        try await pool.write { connection in
            guard
                try await !connection.rows(
                    "UPDATE cap_alerts SET record = \(json) WHERE id = \(record.id) RETURNING id", logger: logger
                ).isEmpty
            else { throw StoreError.notFound("CAP alert '\(record.id.lowercasedString)' does not exist") }
        }
    }

    func find(id: UUID) async throws -> CAPAlertRecord? {
        try await pool.read { connection in
            try await connection.rows("SELECT record FROM cap_alerts WHERE id = \(id)", logger: logger)
                .first.map { try $0.values().json(CAPAlertRecord.self, "record") }
        }
    }

    func find(keys: [CAPReference]) async throws -> [CAPAlertRecord] {
        guard !keys.isEmpty else { return [] }
        return try await pool.read { connection in
            var found: [CAPAlertRecord] = []
            for key in keys {
                found += try await connection.rows(
                    """
                    SELECT record FROM cap_alerts
                    WHERE sender = \(key.sender) AND identifier = \(key.identifier) AND sent = \(key.sent)
                    """, logger: logger
                ).map { try $0.values().json(CAPAlertRecord.self, "record") }
            }
            return found
        }
    }

    func page(before: UUID?, limit: Int) async throws -> [CAPAlertRecord] {
        let limit = max(limit, 0)
        return try await pool.read { connection in
            let rows =
                if let before {
                    try await connection.rows(
                        "SELECT record FROM cap_alerts WHERE id < \(before) ORDER BY id DESC LIMIT \(limit)",
                        logger: logger)
                } else {
                    try await connection.rows(
                        "SELECT record FROM cap_alerts ORDER BY id DESC LIMIT \(limit)", logger: logger)
                }
            return try rows.map { try $0.values().json(CAPAlertRecord.self, "record") }
        }
    }
}
