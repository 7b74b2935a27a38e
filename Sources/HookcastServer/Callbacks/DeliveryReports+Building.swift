import Foundation
import HookcastCore
import HookcastProtocol

extension DeliveryReports {
    /// The most waiting reports one pass looks at; the rest wait for the next.
    static let waitingPerPass = 1000

    /// Builds the payload of each waiting report whose commands are all complete; returns the earliest time one
    /// still waiting will be complete by its deadline.
    func buildCompleteReports() async throws -> Date? {
        let (changed, known) = progress.withLock { progress in
            defer { progress.changed = [] }
            return (progress.changed, progress.deadlines)
        }
        let now = Date()
        var deadlines: [UUID: Date] = [:]
        for report in try await store.callbacks.waiting(limit: Self.waitingPerPass) {
            // Nothing new about its commands and its deadline not reached: still waiting, no need to read.
            if let deadline = known[report.id], deadline > now, !report.commandIDs.contains(where: changed.contains) {
                deadlines[report.id] = deadline
                continue
            }
            if let deadline = try await buildIfComplete(report, now: now) { deadlines[report.id] = deadline }
        }
        progress.withLock { $0.deadlines = deadlines }
        return deadlines.values.min()
    }

    /// Stores the payload when every command is complete and returns nil; otherwise returns the commands' latest
    /// deadline, when the report is complete at the latest.
    private func buildIfComplete(_ report: CallbackReport, now: Date) async throws -> Date? {
        var commands: [Command] = []
        var deadline = now
        for id in report.commandIDs {
            // Stored with the report or before it; one deleted since is reported as it was: not at all.
            guard let command = try await store.commands.find(id: id) else { continue }
            let due = command.issuedAt.addingTimeInterval(acknowledgementDeadline.timeInterval)
            deadline = max(deadline, due)
            // A count is cheap, and fewer answers than devices before the deadline means incomplete.
            if command.cancelledAt == nil, now < due,
                try await store.deliveries.acknowledgementCount(commandID: id) < command.expectedDevices.count
            {
                return deadline
            }
            commands.append(command)
        }
        var deliveries: [(Command, DeliveryReport)] = []
        for command in commands {
            let delivery = DeliveryReport(
                command: command,
                acknowledgements: try await store.deliveries.acknowledgements(commandID: command.id), now: now,
                acknowledgementDeadline: acknowledgementDeadline)
            // Answers from unexpected devices made up the count: still incomplete.
            guard delivery.isComplete else {
                return max(deadline, command.issuedAt.addingTimeInterval(acknowledgementDeadline.timeInterval))
            }
            deliveries.append((command, delivery))
        }
        let payload = try CallbackPayload(
            reportID: report.id, createdAt: now, subject: report.subject, deliveries: deliveries
        ).encoded()
        let webhookID = "msg_" + report.id.lowercasedString.replacingOccurrences(of: "-", with: "")
        if try await store.callbacks.complete(id: report.id, payload: payload, webhookID: webhookID, at: now) {
            logger.debug("callback report built", metadata: ["report_id": "\(report.id.lowercasedString)"])
        }
        return nil
    }
}
