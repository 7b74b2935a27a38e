import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `POST /api/v1/commands/{id}/cancel`: stops a command. It is not sent again; devices that have not run it are
/// told to drop it (`cancel_command`); its report shows `cancelled` for every device that had not answered, and
/// what devices answer later still counts.
struct CommandCancelController: Sendable {
    let gateway: Gateway

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.post("commands/:id/cancel") { _, context in
            let id = try PathParameter.require(context, "id", what: "command") { raw in
                guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
                return id
            }
            return try await cancel(id)
        }
    }

    private func cancel(_ id: UUID) async throws -> CommandStatus {
        let store = gateway.store
        let deadline = gateway.acknowledgementDeadline
        guard
            let before = try await StoreFailure.mapping({
                try await CommandStatus.load(id, store: store, deadline: deadline)
            })
        else { throw APIError.notFound("not_found", "There is no command '\(id.lowercasedString)'.") }
        // Cancelling twice answers as the first time did.
        if before.command.cancelledAt != nil { return before }
        let now = Date()
        let unanswered = (before.report.totals[.pending] ?? 0) + (before.report.totals[.timedOut] ?? 0)
        guard unanswered > 0 else {
            throw APIError(.conflict, "nothing_to_cancel", "Every device the command went to has answered it.")
        }
        guard before.command.expiresAt > now else {
            throw APIError(.conflict, "command_expired", "The command has expired: devices no longer run it.")
        }
        guard let command = try await StoreFailure.mapping({ try await store.commands.cancel(id: id, at: now) }) else {
            throw APIError.notFound("not_found", "There is no command '\(id.lowercasedString)'.")
        }
        // Devices that never got it need no cancel; the outbox will not send it now.
        if command.publishedAt != nil {
            let told = await gateway.delivery.publishCancellation(of: command, at: now)
            if !told {
                gateway.logger.warning(
                    "cancelled command; devices could not be told (broker away): it is not sent again",
                    metadata: ["command_id": "\(id.lowercasedString)"])
            }
        }
        gateway.watchers.notify([id])
        gateway.live.commandsChanged([id])
        guard
            let after = try await StoreFailure.mapping({
                try await CommandStatus.load(id, store: store, deadline: deadline)
            })
        else { throw APIError.notFound("not_found", "There is no command '\(id.lowercasedString)'.") }
        await gateway.audit.changed(
            .command, id: id.lowercasedString, "cancel", before: before.command, after: after.command, commands: [id])
        return after
    }
}
