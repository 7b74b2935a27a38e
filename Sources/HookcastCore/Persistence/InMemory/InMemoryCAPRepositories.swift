import Foundation
import HookcastCAP

struct InMemoryCAPRuleRepository: CAPRuleRepository {
    let database: InMemoryDatabase

    func all() async throws -> [CAPRule] {
        try database.access { $0.capRules }
    }

    func find(id: CAPRuleID) async throws -> CAPRule? {
        try database.access { state in state.capRules.first { $0.id == id } }
    }

    func insert(_ rule: CAPRule) async throws {
        try database.access { state in
            guard !state.capRules.contains(where: { $0.id == rule.id }) else {
                throw StoreError.conflict("CAP rule '\(rule.id)' already exists")
            }
            state.capRules.append(rule)
        }
    }

    func update(_ rule: CAPRule) async throws {
        try database.access { state in
            guard let index = state.capRules.firstIndex(where: { $0.id == rule.id }) else {
                throw StoreError.notFound("CAP rule '\(rule.id)' does not exist")
            }
            var updated = rule
            updated.createdAt = state.capRules[index].createdAt
            state.capRules[index] = updated
        }
    }

    func delete(id: CAPRuleID) async throws -> Bool {
        try database.access { state in
            guard let index = state.capRules.firstIndex(where: { $0.id == id }) else { return false }
            state.capRules.remove(at: index)
            return true
        }
    }
}

struct InMemoryCAPAlertRepository: CAPAlertRepository {
    let database: InMemoryDatabase

    func claim(_ record: CAPAlertRecord) async throws -> CAPAlertRecord? {
        try database.access { state in
            if let existing = state.capAlerts.values.first(where: { $0.key == record.key }) { return existing }
            state.capAlerts[record.id] = record
            return nil
        }
    }

    func remove(id: UUID) async throws {
        try database.access { state in state.capAlerts[id] = nil }
    }

    func update(_ record: CAPAlertRecord) async throws {
        try database.access { state in
            guard state.capAlerts[record.id] != nil else {
                throw StoreError.notFound("CAP alert '\(record.id.lowercasedString)' does not exist")
            }
            state.capAlerts[record.id] = record
        }
    }

    func find(id: UUID) async throws -> CAPAlertRecord? {
        try database.access { $0.capAlerts[id] }
    }

    func find(keys: [CAPReference]) async throws -> [CAPAlertRecord] {
        let wanted = Set(keys)
        return try database.access { state in state.capAlerts.values.filter { wanted.contains($0.key) } }
    }

    func page(before: UUID?, limit: Int) async throws -> [CAPAlertRecord] {
        try database.access { state in
            Array(
                state.capAlerts.values
                    .filter { record in before.map { record.id.lowercasedString < $0.lowercasedString } ?? true }
                    .sorted { $0.id.lowercasedString > $1.id.lowercasedString }
                    .prefix(max(limit, 0)))
        }
    }
}
