import Foundation
import HookcastCore
import Hummingbird
import HummingbirdCore

/// `GET /api/v1/audit`: the audit log, newest first, a page at a time. `before` is the last id of the previous
/// page (the answer's `next_before`), `limit` 1–500 (default 50), `kind` one of trigger, admin, cancel. Anything
/// else is refused with 400, so a typo never silently shows a different page.
struct AuditController: Sendable {
    let store: any HookcastStore

    struct Page: ResponseEncodable, Sendable {
        let items: [AuditEntry]
        /// The cursor for the next (older) page; nil when this page is the last.
        let nextBefore: String?

        enum CodingKeys: String, CodingKey {
            case items
            case nextBefore = "next_before"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextBefore, forKey: .nextBefore)
        }
    }

    static let defaultLimit = 50
    static let maximumLimit = 500

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("audit") { request, _ -> Page in
            let query = try Self.query(request.uri.queryParameters)
            // One more than asked: whether an older page exists, without a count.
            let entries = try await StoreFailure.mapping {
                try await store.audit.page(before: query.before, kind: query.kind, limit: query.limit + 1)
            }
            let items = Array(entries.prefix(query.limit))
            return Page(items: items, nextBefore: entries.count > query.limit ? items.last?.id.lowercasedString : nil)
        }
    }

    static func query(
        _ parameters: FlatDictionary<Substring, Substring>
    ) throws(APIError) -> (before: UUID?, kind: AuditEntry.Kind?, limit: Int) {
        var limit = defaultLimit
        if let raw = parameters.get("limit") {
            guard let value = Int(raw), (1...maximumLimit).contains(value) else {
                throw .badRequest("invalid_limit", "limit must be a whole number from 1 to \(maximumLimit).")
            }
            limit = value
        }
        var before: UUID?
        if let raw = parameters.get("before") {
            guard let id = UUID(uuidString: raw) else {
                throw .badRequest("invalid_before", "before must be an audit entry id (a UUID), as next_before gives.")
            }
            before = id
        }
        var kind: AuditEntry.Kind?
        if let raw = parameters.get("kind") {
            guard let value = AuditEntry.Kind(rawValue: raw) else {
                throw .badRequest("invalid_kind", "kind must be one of trigger, admin, cancel.")
            }
            kind = value
        }
        return (before, kind, limit)
    }
}
