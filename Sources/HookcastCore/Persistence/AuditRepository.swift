import Foundation

/// The audit log: append-only, read newest first a page at a time.
public protocol AuditRepository: Sendable {
    /// Appends the entries in one transaction: all or none. Durable when it returns (like an admin change). Throws
    /// `StoreError.conflict` for an id already there.
    func insert(_ entries: [AuditEntry]) async throws
    /// Newest first (descending id, which is time order), only those older than `before` when given and of `kind`
    /// when given; at most `limit`.
    func page(before: UUID?, kind: AuditEntry.Kind?, limit: Int) async throws -> [AuditEntry]
}
