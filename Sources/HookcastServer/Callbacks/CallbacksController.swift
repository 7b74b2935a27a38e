import Foundation
import HookcastCore
import Hummingbird
import HummingbirdCore

/// `/api/v1/callbacks`: the delivery reports owed to callback URLs, newest first a page at a time (`before`,
/// `limit` 1–500, `state`), one with its payload, and a retry of one that failed.
struct CallbacksController: Sendable {
    let gateway: Gateway

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("callbacks") { request, _ -> NewestFirstPage<CallbackView> in
            let (page, state) = try Self.query(request.uri.queryParameters)
            let reports = try await StoreFailure.mapping {
                try await store.callbacks.page(before: page.before, state: state, limit: page.limit + 1)
            }
            return NewestFirstPage(rows: reports, limit: page.limit, id: \.id) {
                CallbackView(report: $0, includePayload: false)
            }
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
    ) throws(APIError) -> (page: PageQuery, state: CallbackReport.State?) {
        let page = try PageQuery(parameters, ids: "a report id")
        var state: CallbackReport.State?
        if let raw = parameters.get("state") {
            guard let value = CallbackReport.State(rawValue: raw) else {
                throw .badRequest("invalid_state", "state must be one of waiting, sending, delivered, failed.")
            }
            state = value
        }
        return (page, state)
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
