import Foundation
import HookcastCore
import Hummingbird

/// `/api/v1/commands`: what was triggered, newest first; one command with its delivery, device by device.
struct CommandsController: Sendable {
    let store: any HookcastStore
    let acknowledgementDeadline: Duration

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("commands") { request, _ in
            let parameters = request.uri.queryParameters
            let limit = min(max(parameters.get("limit").flatMap(Int.init) ?? 50, 1), 500)
            let offset = max(parameters.get("offset").flatMap(Int.init) ?? 0, 0)
            return try await StoreFailure.mapping {
                PagedResponse(
                    items: try await CommandSummary.page(
                        store: store, offset: offset, limit: limit, deadline: acknowledgementDeadline),
                    total: try await store.commands.count(), offset: offset, limit: limit)
            }
        }
        group.get("commands/:id") { request, context in
            let id = try PathParameter.require(context, "id", what: "command") { raw in
                guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
                return id
            }
            let page = CommandStatus.DevicePage(request)
            let status = try await StoreFailure.mapping {
                try await CommandStatus.load(
                    id, store: store, deadline: acknowledgementDeadline, offset: page.offset, limit: page.limit)
            }
            guard let status else {
                throw APIError.notFound("not_found", "There is no command '\(id.lowercasedString)'.")
            }
            return status
        }
    }
}
