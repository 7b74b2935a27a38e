import Foundation
import HookcastProtocol

struct InMemoryAuditRepository: AuditRepository {
    let database: InMemoryDatabase

    func insert(_ entries: [AuditEntry], synced: Bool) async throws {
        try database.access { state in
            var seen = Set(state.audit.keys)
            for entry in entries where !seen.insert(entry.id).inserted {
                throw StoreError.conflict("audit entry '\(entry.id.lowercasedString)' already exists")
            }
            for entry in entries { state.audit[entry.id] = entry }
        }
    }

    func page(before: UUID?, kind: AuditEntry.Kind?, limit: Int) async throws -> [AuditEntry] {
        try database.access { state in
            // The lower-case text order, as SQLite compares the column; PostgreSQL's uuid order is the same.
            let cursor = before?.lowercasedString
            let matching = state.audit.values.filter { entry in
                (kind == nil || entry.kind == kind) && cursor.map { entry.id.lowercasedString < $0 } ?? true
            }
            return Array(
                matching.sorted { $0.id.lowercasedString > $1.id.lowercasedString }.prefix(max(limit, 0)))
        }
    }
}
