import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird
import NIOCore

/// The success body of a trigger: the product page's `{"message":"success"}` plus what was done, and where to follow
/// it: `status_url` with the admin token, `report_url` with the caller's own API key.
struct TriggerResponse: ResponseCodable, Sendable {
    let message: String
    let commandID: UUID
    private(set) var targets: Int
    let statusURL: String
    /// The same report, readable with the API key that made the command (`CommandReportController`).
    var reportURL: String { CommandReportController.path(of: commandID) }
    private(set) var queued: Bool
    /// True when an earlier request with the same Idempotency-Key or signed webhook-id made this command.
    var duplicate = false
    /// True when the caller asked to wait but its key already held `KeyWaitSlots.limit` waits: answered at once,
    /// without the report.
    var waitSkipped = false
    /// Only when the caller asked to wait for acknowledgements.
    var report: DeliveryTotals?
    /// For an action with several steps: each step's command (and report, after a wait); empty for one step.
    var steps: [TriggerStepAnswer] = []

    init(command: Command, published: Bool, report: DeliveryTotals? = nil) {
        message = "success"
        commandID = command.id
        targets = command.expectedDevices.count
        statusURL = "/api/v1/commands/\(command.id.lowercasedString)"
        queued = !published
        self.report = report
    }

    /// The answer to a call: a single-step action's as it has always been; for several steps, `command_id` and
    /// `status_url` name the first step's command (its id is the trigger id), `targets` and `queued` cover every
    /// step, and `steps` lists each.
    init(outcome: TriggerOutcome, reports: [DeliveryTotals]? = nil) {
        self.init(command: outcome.command, published: outcome.published[0], report: reports?.first)
        duplicate = outcome.duplicate
        guard outcome.commands.count > 1 else { return }
        report = nil
        targets = outcome.commands.reduce(0) { $0 + $1.expectedDevices.count }
        queued = outcome.published.contains(false)
        steps = outcome.commands.indices.map { index in
            TriggerStepAnswer(
                command: outcome.commands[index], published: outcome.published[index], report: reports?[index])
        }
    }

    /// Every command the call made (one per step).
    var commandIDs: [UUID] { steps.isEmpty ? [commandID] : steps.map(\.commandID) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decode(String.self, forKey: .message)
        commandID = try container.decode(UUID.self, forKey: .commandID)
        targets = try container.decode(Int.self, forKey: .targets)
        statusURL = try container.decode(String.self, forKey: .statusURL)
        queued = try container.decode(Bool.self, forKey: .queued)
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
        waitSkipped = try container.decodeIfPresent(Bool.self, forKey: .waitSkipped) ?? false
        report = nil
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        // Lower case, as in the command envelope and the status URL.
        try container.encode(commandID.lowercasedString, forKey: .commandID)
        try container.encode(targets, forKey: .targets)
        try container.encode(statusURL, forKey: .statusURL)
        try container.encode(queued, forKey: .queued)
        try container.encode(reportURL, forKey: .reportURL)
        if duplicate { try container.encode(true, forKey: .duplicate) }
        if waitSkipped { try container.encode(true, forKey: .waitSkipped) }
        if let report {
            var extra = encoder.container(keyedBy: DynamicKey.self)
            try extra.encode(CommandStatus.Totals(report), forKey: DynamicKey("totals"))
            try extra.encode(report.isComplete, forKey: DynamicKey("complete"))
        }
        if !steps.isEmpty {
            var extra = encoder.container(keyedBy: DynamicKey.self)
            try extra.encode(commandID.lowercasedString, forKey: DynamicKey("trigger_id"))
            try extra.encode(steps, forKey: DynamicKey("steps"))
            let reports = steps.compactMap(\.report)
            if reports.count == steps.count {
                try extra.encode(CommandStatus.Totals(reports), forKey: DynamicKey("totals"))
                try extra.encode(reports.allSatisfy(\.isComplete), forKey: DynamicKey("complete"))
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case message
        case commandID = "command_id"
        case targets
        case statusURL = "status_url"
        case reportURL = "report_url"
        case queued
        case duplicate
        case waitSkipped = "wait_skipped"
    }
}

extension TriggerResponse {
    /// Written with `JSONWriter` unless it carries a delivery report: every webhook answers with one. The bytes are
    /// those of `encode(to:)` under the context's encoder (`TriggerResponseTests` holds them to it).
    func response(from request: Request, context: some RequestContext) throws -> Response {
        guard report == nil, steps.isEmpty else {
            return try context.responseEncoder.encode(self, from: request, context: context)
        }
        let bytes = jsonBytes
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers.append(.init(name: .contentType, value: "application/json; charset=utf-8"))
        headers.append(.init(name: .contentLength, value: String(bytes.count)))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The body without a report, keys in sorted order.
    var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 192)
        writer.openObject()
        writer.key("command_id")
        writer.string(commandID.lowercasedString)
        if duplicate {
            writer.key("duplicate")
            writer.bool(true)
        }
        writer.key("message")
        writer.string(message)
        writer.key("queued")
        writer.bool(queued)
        writer.key("report_url")
        writer.string(reportURL)
        writer.key("status_url")
        writer.string(statusURL)
        writer.key("targets")
        writer.int(targets)
        if waitSkipped {
            writer.key("wait_skipped")
            writer.bool(true)
        }
        writer.closeObject()
        return writer.bytes
    }
}
