import Foundation
import HookcastCore
import Hummingbird
import HummingbirdCore

/// `GET /api/v1/audit`: the audit log, newest first, a page at a time. `before` is the last id of the previous
/// page (the answer's `next_before`), `limit` 1–500 (default 50), `kind` one of trigger, admin, cancel. Anything
/// else is refused with 400, so a typo never silently shows a different page.
struct AuditController: Sendable {
    let store: any HookcastStore

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("audit") { request, _ -> NewestFirstPage<AuditEntry> in
            let (page, kind) = try Self.query(request.uri.queryParameters)
            let entries = try await StoreFailure.mapping {
                try await store.audit.page(before: page.before, kind: kind, limit: page.limit + 1)
            }
            return NewestFirstPage(rows: entries, limit: page.limit, id: \.id, item: { $0 })
        }
    }

    static func query(
        _ parameters: FlatDictionary<Substring, Substring>
    ) throws(APIError) -> (page: PageQuery, kind: AuditEntry.Kind?) {
        let page = try PageQuery(parameters, ids: "an audit entry id")
        var kind: AuditEntry.Kind?
        if let raw = parameters.get("kind") {
            guard let value = AuditEntry.Kind(rawValue: raw) else {
                throw .badRequest("invalid_kind", "kind must be one of trigger, admin, cancel.")
            }
            kind = value
        }
        return (page, kind)
    }
}
