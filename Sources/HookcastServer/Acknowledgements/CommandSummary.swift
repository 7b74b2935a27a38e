import Foundation
import HookcastCore

/// A command in a listing: the command with its delivery totals, without the per-device list.
struct CommandSummary: Encodable, Sendable {
    let command: Command
    let report: DeliveryReport

    func encode(to encoder: any Encoder) throws {
        try command.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(CommandStatus.Totals(report: report), forKey: DynamicKey("totals"))
        try container.encode(report.isComplete, forKey: DynamicKey("complete"))
    }

    /// One page, newest first, with the acknowledgements of the whole page read in one go.
    static func page(
        store: any HookcastStore, offset: Int, limit: Int, deadline: Duration
    ) async throws -> [CommandSummary] {
        let commands = try await store.commands.page(offset: offset, limit: limit)
        let acknowledgements = try await store.deliveries.acknowledgements(commandIDs: commands.map(\.id))
        let now = Date()
        return commands.map { command in
            CommandSummary(
                command: command,
                report: DeliveryReport(
                    command: command, acknowledgements: acknowledgements[command.id] ?? [], now: now,
                    acknowledgementDeadline: deadline))
        }
    }
}

extension CommandSummary {
    /// The summaries of these commands (those that exist), newest first, acknowledgements read in one go.
    static func load(ids: [UUID], store: any HookcastStore, deadline: Duration) async throws -> [CommandSummary] {
        var commands: [Command] = []
        for id in ids {
            if let command = try await store.commands.find(id: id) { commands.append(command) }
        }
        let acknowledgements = try await store.deliveries.acknowledgements(commandIDs: commands.map(\.id))
        let now = Date()
        return commands.sorted { $0.issuedAt > $1.issuedAt }.map { command in
            CommandSummary(
                command: command,
                report: DeliveryReport(
                    command: command, acknowledgements: acknowledgements[command.id] ?? [], now: now,
                    acknowledgementDeadline: deadline))
        }
    }
}
