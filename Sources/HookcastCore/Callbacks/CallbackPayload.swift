import Foundation
import HookcastProtocol

/// The body of a delivery report (`type: delivery.report`, docs/callbacks.md): totals per state summed over the
/// commands, each command with its own totals, and the devices that failed or did not answer, each list cut at
/// `deviceListLimit` so a broadcast's report stays small.
public struct CallbackPayload: Encodable, Sendable {
    public static let deviceListLimit = 1000

    struct CommandPart: Encodable {
        let commandID: String
        let eventID: String
        let function: String
        let target: ActionTarget
        let issuedAt: Date
        let cancelled: Bool
        let totals: [String: Int]

        enum CodingKeys: String, CodingKey {
            case commandID = "command_id"
            case eventID = "event_id"
            case function, target, cancelled, totals
            case issuedAt = "issued_at"
        }
    }

    struct Device: Encodable {
        let deviceID: String
        let commandID: String
        let state: String
        let detail: String?

        enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case commandID = "command_id"
            case state, detail
        }
    }

    let type = "delivery.report"
    let reportID: String
    let createdAt: Date
    let subject: JSONValue
    let complete: Bool
    let totals: [String: Int]
    let commands: [CommandPart]
    let failed: [Device]
    let unanswered: [Device]
    let truncated: Bool

    enum CodingKeys: String, CodingKey {
        case type
        case reportID = "report_id"
        case createdAt = "created_at"
        case subject, complete, totals, commands, failed, unanswered, truncated
    }

    /// `deliveries` pairs each command the report covers with its delivery report, in the report's order.
    public init(
        reportID: UUID, createdAt: Date, subject: JSONValue, deliveries: [(Command, DeliveryReport)],
        deviceListLimit: Int = CallbackPayload.deviceListLimit
    ) {
        var totals = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, 0) })
        totals["extra"] = 0
        var failed: [Device] = []
        var unanswered: [Device] = []
        var truncated = false
        var commands: [CommandPart] = []
        for (command, report) in deliveries {
            var own = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, 0) })
            for (state, count) in report.totals { own[state.rawValue, default: 0] += count }
            own["extra"] = report.extra
            for (state, count) in own { totals[state, default: 0] += count }
            commands.append(
                CommandPart(
                    commandID: command.id.lowercasedString, eventID: command.eventID.rawValue,
                    function: command.function.rawValue, target: command.target, issuedAt: command.issuedAt,
                    cancelled: command.cancelledAt != nil, totals: own))
            for entry in report.entries where entry.expected {
                let device = Device(
                    deviceID: entry.deviceID.rawValue, commandID: command.id.lowercasedString,
                    state: entry.state.rawValue, detail: entry.detail)
                switch entry.state {
                case .ok: continue
                case .failed, .rejected, .expired:
                    if failed.count < deviceListLimit { failed.append(device) } else { truncated = true }
                case .pending, .timedOut, .cancelled:
                    if unanswered.count < deviceListLimit { unanswered.append(device) } else { truncated = true }
                }
            }
        }
        self.reportID = reportID.lowercasedString
        self.createdAt = createdAt.roundedToMilliseconds
        self.subject = subject
        // Every expected device answered (in any state): none timed out or was cut off by a cancel.
        self.complete = deliveries.allSatisfy { $0.1.totals.allSatisfy { $0.value == 0 || $0.key.isAnswer } }
        self.totals = totals
        self.commands = commands
        self.failed = failed
        self.unanswered = unanswered
        self.truncated = truncated
    }

    /// The exact bytes every attempt sends.
    public func encoded() throws -> Data {
        try JSONCoding.encoder().encode(self)
    }
}

extension DeliveryState {
    /// A state a device's own answer put it in.
    fileprivate var isAnswer: Bool { DeliveryState.reportable.contains(self) }
}
