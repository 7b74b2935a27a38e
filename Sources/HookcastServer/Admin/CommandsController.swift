import Foundation
import HookcastCore
import Hummingbird

/// `/api/v1/commands`: what was triggered, newest first.
struct CommandsController: Sendable {
    let store: any HookcastStore

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("commands") { request, _ in
            let parameters = request.uri.queryParameters
            let limit = min(max(parameters.get("limit").flatMap(Int.init) ?? 50, 1), 500)
            let offset = max(parameters.get("offset").flatMap(Int.init) ?? 0, 0)
            return try await StoreFailure.mapping {
                PagedResponse(
                    items: try await store.commands.page(offset: offset, limit: limit),
                    total: try await store.commands.count(), offset: offset, limit: limit)
            }
        }
        group.get("commands/:id") { _, context in
            let id = try PathParameter.require(context, "id", what: "command") { raw in
                guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
                return id
            }
            guard let command = try await StoreFailure.mapping({ try await store.commands.find(id: id) }) else {
                throw APIError.notFound("not_found", "There is no command '\(id.uuidString.lowercased())'.")
            }
            return command
        }
    }
}
