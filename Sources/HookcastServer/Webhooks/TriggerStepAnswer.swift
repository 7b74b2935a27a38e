import Foundation
import HookcastCore
import HookcastProtocol

/// One step of a call's answer: `{"step","command_id","function","targets","status_url","report_url","queued"}`, and after a
/// wait `totals` and `complete` for that step's command.
struct TriggerStepAnswer: Encodable, Sendable {
    let step: Int
    let commandID: UUID
    let function: ActionFunction
    let targets: Int
    let statusURL: String
    var reportURL: String { CommandReportController.path(of: commandID) }
    let queued: Bool
    let report: DeliveryTotals?

    init(command: Command, published: Bool, report: DeliveryTotals?) {
        step = command.step?.index ?? 0
        commandID = command.id
        function = command.function
        targets = command.expectedDevices.count
        statusURL = "/api/v1/commands/\(command.id.lowercasedString)"
        queued = !published
        self.report = report
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(step, forKey: DynamicKey("step"))
        try container.encode(commandID.lowercasedString, forKey: DynamicKey("command_id"))
        try container.encode(function, forKey: DynamicKey("function"))
        try container.encode(targets, forKey: DynamicKey("targets"))
        try container.encode(statusURL, forKey: DynamicKey("status_url"))
        try container.encode(reportURL, forKey: DynamicKey("report_url"))
        try container.encode(queued, forKey: DynamicKey("queued"))
        if let report {
            try container.encode(CommandStatus.Totals(report), forKey: DynamicKey("totals"))
            try container.encode(report.isComplete, forKey: DynamicKey("complete"))
        }
    }
}
