import Foundation

/// The audit log: append-only, read newest first a page at a time.
public protocol AuditRepository: Sendable {
    /// Appends the entries in one transaction: all or none. Throws `StoreError.conflict` for an id already there.
    /// `synced`: durable when it returns (an admin change). Otherwise committed without waiting for the disk
    /// (SQLite: an unsynced write; PostgreSQL: `synchronous_commit` off for the transaction), so a crash may lose
    /// the last moment's entries: what webhook entries, queued behind their answer, promise anyway. Measured with
    /// scripts/bench-stores, a synced write per batch of webhook entries cost PostgreSQL about a quarter of its
    /// webhooks/s.
    func insert(_ entries: [AuditEntry], synced: Bool) async throws
    /// Newest first (descending id, which is time order), only those older than `before` when given and of `kind`
    /// when given; at most `limit`.
    func page(before: UUID?, kind: AuditEntry.Kind?, limit: Int) async throws -> [AuditEntry]
}

extension AuditRepository {
    /// Durable when it returns.
    public func insert(_ entries: [AuditEntry]) async throws {
        try await insert(entries, synced: true)
    }
}
