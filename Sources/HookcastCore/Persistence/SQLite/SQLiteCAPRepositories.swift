import Foundation
import HookcastCAP
import HookcastProtocol

struct SQLiteCAPRuleRepository: CAPRuleRepository {
    let database: SQLiteDatabase

    func all() async throws -> [CAPRule] {
        try await database.read {
            try $0.query("SELECT rule FROM cap_rules ORDER BY created_at, id").map { try $0.json(StoredCAPRule.self, "rule").restored }
        }
    }

    func find(id: CAPRuleID) async throws -> CAPRule? {
        try await database.read {
            try $0.query("SELECT rule FROM cap_rules WHERE id = ?", [.text(id.rawValue)]).first.map {
                try $0.json(StoredCAPRule.self, "rule").restored
            }
        }
    }

    func insert(_ rule: CAPRule) async throws {
        let values: [SQLiteValue] = [.text(rule.id.rawValue), try .json(StoredCAPRule(rule)), .date(rule.createdAt)]
        try await database.write(conflictMessage: "CAP rule '\(rule.id)' already exists") {
            try $0.execute("INSERT INTO cap_rules (id, rule, created_at) VALUES (?, ?, ?)", values)
        }
    }

    func update(_ rule: CAPRule) async throws {
        try await database.write { connection in
            guard
                let stored = try connection.query("SELECT rule FROM cap_rules WHERE id = ?", [.text(rule.id.rawValue)])
                    .first.map({ try $0.json(StoredCAPRule.self, "rule").restored })
            else { throw StoreError.notFound("CAP rule '\(rule.id)' does not exist") }
            var updated = rule
            updated.createdAt = stored.createdAt
            try connection.execute(
                "UPDATE cap_rules SET rule = ? WHERE id = ?", [try .json(StoredCAPRule(updated)), .text(rule.id.rawValue)])
        }
    }

    func delete(id: CAPRuleID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM cap_rules WHERE id = ? RETURNING id", [.text(id.rawValue)]).isEmpty
        }
    }
}

struct SQLiteCAPAlertRepository: CAPAlertRepository {
    let database: SQLiteDatabase

    func claim(_ record: CAPAlertRecord) async throws -> CAPAlertRecord? {
        let key = record.key
        let values: [SQLiteValue] = [
            .uuid(record.id), .text(key.sender), .text(key.identifier), .text(key.sent), .date(record.receivedAt),
            try .json(record),
        ]
        return try await database.write { connection in
            let existing = try connection.query(
                "SELECT record FROM cap_alerts WHERE sender = ? AND identifier = ? AND sent = ?",
                [.text(key.sender), .text(key.identifier), .text(key.sent)])
            if let row = existing.first { return try row.json(CAPAlertRecord.self, "record") }
            try connection.execute(
                "INSERT INTO cap_alerts (id, sender, identifier, sent, received_at, record) VALUES (?, ?, ?, ?, ?, ?)",
                values)
            return nil
        }
    }

    func remove(id: UUID) async throws {
        try await database.write { try $0.execute("DELETE FROM cap_alerts WHERE id = ?", [.uuid(id)]) }
    }

    func update(_ record: CAPAlertRecord) async throws {
        let values: [SQLiteValue] = [try .json(record), .uuid(record.id)]
        try await database.write { connection in
            guard try !connection.query("UPDATE cap_alerts SET record = ? WHERE id = ? RETURNING id", values).isEmpty
            else { throw StoreError.notFound("CAP alert '\(record.id.lowercasedString)' does not exist") }
        }
    }

    func find(id: UUID) async throws -> CAPAlertRecord? {
        try await database.read {
            try $0.query("SELECT record FROM cap_alerts WHERE id = ?", [.uuid(id)]).first.map {
                try $0.json(CAPAlertRecord.self, "record")
            }
        }
    }

    func find(keys: [CAPReference]) async throws -> [CAPAlertRecord] {
        guard !keys.isEmpty else { return [] }
        return try await database.read { connection in
            try keys.flatMap { key in
                try connection.query(
                    "SELECT record FROM cap_alerts WHERE sender = ? AND identifier = ? AND sent = ?",
                    [.text(key.sender), .text(key.identifier), .text(key.sent)]
                ).map { try $0.json(CAPAlertRecord.self, "record") }
            }
        }
    }

    func page(before: UUID?, limit: Int) async throws -> [CAPAlertRecord] {
        let filter = before == nil ? "" : "WHERE id < ?"
        let binds: [SQLiteValue] = (before.map { [.uuid($0)] } ?? []) + [.integer(max(limit, 0))]
        return try await database.read {
            try $0.query("SELECT record FROM cap_alerts \(filter) ORDER BY id DESC LIMIT ?", binds).map {
                try $0.json(CAPAlertRecord.self, "record")
            }
        }
    }
}
