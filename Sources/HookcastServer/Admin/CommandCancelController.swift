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

    /// Cancels the command, or for a step of an action with several, every step of that call that can still be
    /// cancelled: the call stops as a whole. Answers with the command asked for, as it is after.
    private func cancel(_ id: UUID) async throws -> CommandStatus {
        let before = try await load(id)
        let group = try await calls(with: before)
        let now = Date()
        let cancellable = group.filter { status in
            status.command.cancelledAt == nil && Self.unanswered(status) > 0 && status.command.expiresAt > now
        }
        guard !cancellable.isEmpty else {
            // Cancelling twice answers as the first time did.
            if group.contains(where: { $0.command.cancelledAt != nil }) { return before }
            if group.allSatisfy({ Self.unanswered($0) == 0 }) {
                let what = group.count > 1 ? "every step of this call went to has" : "the command went to has"
                throw APIError(.conflict, "nothing_to_cancel", "Every device \(what) answered it.")
            }
            throw APIError(.conflict, "command_expired", "The command has expired: devices no longer run it.")
        }
        var cancelled: [UUID] = []
        for status in cancellable where try await cancelOne(status.command.id, at: now) {
            cancelled.append(status.command.id)
        }
        gateway.watchers.notify(cancelled)
        gateway.live.commandsChanged(cancelled)
        let after = try await load(id)
        await gateway.audit.changed(
            .command, id: id.lowercasedString, "cancel", before: before.command, after: after.command,
            commands: cancelled)
        return after
    }

    /// Stores the cancel and tells the devices; false if the command is gone.
    private func cancelOne(_ id: UUID, at now: Date) async throws -> Bool {
        guard let command = try await StoreFailure.mapping({ try await gateway.store.commands.cancel(id: id, at: now) })
        else { return false }
        // Devices that never got it need no cancel; the outbox will not send it now.
        if command.publishedAt != nil {
            let told = await gateway.delivery.publishCancellation(of: command, at: now)
            if !told {
                gateway.logger.warning(
                    "cancelled command; devices could not be told (broker away): it is not sent again",
                    metadata: ["command_id": "\(id.lowercasedString)"])
            }
        }
        return true
    }

    /// The command alone, or every step of its call, in step order.
    private func calls(with status: CommandStatus) async throws -> [CommandStatus] {
        guard let step = status.command.step else { return [status] }
        let siblings = try await StoreFailure.mapping {
            try await gateway.store.commands.find(triggerID: step.triggerID)
        }
        var group: [CommandStatus] = []
        for sibling in siblings {
            group.append(sibling.id == status.command.id ? status : try await load(sibling.id))
        }
        return group
    }

    private func load(_ id: UUID) async throws -> CommandStatus {
        let store = gateway.store
        let deadline = gateway.acknowledgementDeadline
        guard
            let status = try await StoreFailure.mapping({
                try await CommandStatus.load(id, store: store, deadline: deadline)
            })
        else { throw APIError.notFound("not_found", "There is no command '\(id.lowercasedString)'.") }
        return status
    }

    private static func unanswered(_ status: CommandStatus) -> Int {
        (status.report.totals[.pending] ?? 0) + (status.report.totals[.timedOut] ?? 0)
    }
}
