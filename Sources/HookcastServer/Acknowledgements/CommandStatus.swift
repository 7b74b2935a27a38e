import Foundation
import HookcastCore
import Hummingbird

/// A command with how its delivery stands: totals per state and the per-device list (paged).
struct CommandStatus: ResponseEncodable, Sendable {
    let command: Command
    let report: DeliveryReport
    let offset: Int
    let limit: Int
    /// The delivery reports that cover the command (docs/callbacks.md), newest first.
    var callbacks: [CallbackSummary] = []

    /// Which devices of the report a request asks for: `offset` (negative counts as 0) and `limit` (100 by
    /// default, clamped to 1…1000); what is not a number counts as the default.
    struct DevicePage {
        let offset: Int
        let limit: Int

        init(_ request: Request) {
            let parameters = request.uri.queryParameters
            limit = min(max(parameters.get("limit").flatMap(Int.init) ?? 100, 1), 1000)
            offset = max(parameters.get("offset").flatMap(Int.init) ?? 0, 0)
        }
    }

    /// Devices per state, and the extra answers: of one report, or summed over a call's steps.
    struct Totals: Encodable {
        let reports: [DeliveryTotals]

        init(report: DeliveryReport) { reports = [report.summary] }
        init(_ totals: DeliveryTotals) { reports = [totals] }
        init(_ totals: [DeliveryTotals]) { reports = totals }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            for state in DeliveryState.allCases {
                try container.encode(
                    reports.reduce(0) { $0 + ($1.totals[state] ?? 0) }, forKey: DynamicKey(state.rawValue))
            }
            try container.encode(reports.reduce(0) { $0 + $1.extra }, forKey: DynamicKey("extra"))
        }
    }

    func encode(to encoder: any Encoder) throws {
        try command.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(Totals(report: report), forKey: DynamicKey("totals"))
        try container.encode(report.isComplete, forKey: DynamicKey("complete"))
        let page = report.entries.dropFirst(offset).prefix(limit)
        try container.encode(Array(page), forKey: DynamicKey("devices"))
        try container.encode(report.entries.count, forKey: DynamicKey("devices_total"))
        try container.encode(callbacks, forKey: DynamicKey("callbacks"))
    }

    static func load(
        _ id: UUID, store: any HookcastStore, deadline: Duration, offset: Int = 0, limit: Int = 100
    ) async throws -> CommandStatus? {
        guard let command = try await store.commands.find(id: id) else { return nil }
        return try await load(command, store: store, deadline: deadline, offset: offset, limit: limit)
    }

    static func load(
        _ command: Command, store: any HookcastStore, deadline: Duration, offset: Int = 0, limit: Int = 100
    ) async throws -> CommandStatus {
        let id = command.id
        let acknowledgements = try await store.deliveries.acknowledgements(commandID: id)
        let report = DeliveryReport(
            command: command, acknowledgements: acknowledgements,
            redeliveries: try await store.deliveries.redeliveries(commandID: id), now: Date(),
            acknowledgementDeadline: deadline)
        return CommandStatus(
            command: command, report: report, offset: offset, limit: limit,
            callbacks: try await store.callbacks.find(commandID: id).map(CallbackSummary.init))
    }
}

struct DynamicKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
