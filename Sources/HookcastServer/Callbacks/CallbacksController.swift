import Foundation
import HookcastCore
import Hummingbird
import HummingbirdCore

/// `/api/v1/callbacks`: the delivery reports owed to callback URLs, newest first a page at a time (`before`,
/// `limit` 1–500, `state`), one with its payload, and a retry of one that failed.
struct CallbacksController: Sendable {
    let gateway: Gateway

    struct Page: ResponseEncodable, Sendable {
        let items: [CallbackView]
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

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("callbacks") { request, _ -> Page in
            let query = try Self.query(request.uri.queryParameters)
            // One more than asked: whether an older page exists, without a count.
            let reports = try await StoreFailure.mapping {
                try await store.callbacks.page(before: query.before, state: query.state, limit: query.limit + 1)
            }
            let items = Array(reports.prefix(query.limit))
            return Page(
                items: items.map { CallbackView(report: $0, includePayload: false) },
                nextBefore: reports.count > query.limit ? items.last?.id.lowercasedString : nil)
        }
        group.get("callbacks/:id") { _, context -> CallbackView in
            let id = try Self.reportID(context)
            guard let report = try await StoreFailure.mapping({ try await store.callbacks.find(id: id) }) else {
                throw Self.notFound(id)
            }
            return CallbackView(report: report, includePayload: true)
        }
        group.post("callbacks/:id/retry") { _, context -> CallbackView in
            let id = try Self.reportID(context)
            guard let report = try await StoreFailure.mapping({ try await gateway.reports.retry(id: id) }) else {
                throw Self.notFound(id)
            }
            guard report.state == .sending else {
                throw APIError(
                    .conflict, "not_failed",
                    "Only a failed report can be retried; this one is \(report.state.rawValue).")
            }
            await gateway.audit.changed(.callback, id: id.lowercasedString, "retry")
            return CallbackView(report: report, includePayload: false)
        }
    }

    static func query(
        _ parameters: FlatDictionary<Substring, Substring>
    ) throws(APIError) -> (before: UUID?, state: CallbackReport.State?, limit: Int) {
        var limit = AuditController.defaultLimit
        if let raw = parameters.get("limit") {
            guard let value = Int(raw), (1...AuditController.maximumLimit).contains(value) else {
                throw .badRequest(
                    "invalid_limit", "limit must be a whole number from 1 to \(AuditController.maximumLimit).")
            }
            limit = value
        }
        var before: UUID?
        if let raw = parameters.get("before") {
            guard let id = UUID(uuidString: raw) else {
                throw .badRequest("invalid_before", "before must be a report id (a UUID), as next_before gives.")
            }
            before = id
        }
        var state: CallbackReport.State?
        if let raw = parameters.get("state") {
            guard let value = CallbackReport.State(rawValue: raw) else {
                throw .badRequest("invalid_state", "state must be one of waiting, sending, delivered, failed.")
            }
            state = value
        }
        return (before, state, limit)
    }

    private static func reportID(_ context: HookcastRequestContext) throws -> UUID {
        try PathParameter.require(context, "id", what: "callback report") { raw in
            guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
            return id
        }
    }

    private static func notFound(_ id: UUID) -> APIError {
        .notFound("not_found", "There is no callback report '\(id.lowercasedString)'.")
    }
}
