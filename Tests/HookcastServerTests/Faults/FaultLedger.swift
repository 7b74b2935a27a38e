import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The verdict of a fault test: every delivery the gateway accepted (command × expected device) must end
/// acknowledged by its device and executed there exactly once, according to the devices' own journals.
struct FaultLedger {
    let name: String
    var sent = 0
    var acknowledged = 0
    var failed = 0
    var lost = 0
    var duplicates = 0
    var elapsed = Duration.zero

    var line: String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var text =
            "\(name): sent \(sent), acked \(acknowledged), lost \(lost), duplicates executed \(duplicates), "
            + "time-to-all-acked \(String(format: "%.2f", seconds)) s"
        if failed > 0 { text += " (\(failed) of the acks say failed)" }
        return text
    }

    /// Waits (at most `timeout`) until every command in `commandIDs` is complete with an answer from each expected
    /// device, then reads the journals, prints the line and records any loss or duplicate as a test failure.
    /// `allowFailed` counts `failed` answers as answers (an agent killed inside its handler says so).
    @discardableResult
    static func verify(
        _ name: String, gateway: GatewayClient, fleet: FaultFleet, commandIDs: [String],
        since started: ContinuousClock.Instant,
        timeout: Duration = .seconds(120), allowFailed: Bool = false
    ) async throws -> FaultLedger {
        var ledger = FaultLedger(name: name)
        let wanted = Set(commandIDs)
        let deadline = ContinuousClock.now + timeout
        var summaries: [String: JSONValue] = [:]
        while true {
            summaries = try await Self.summaries(gateway, wanted: wanted)
            let done = wanted.allSatisfy { id in
                guard let summary = summaries[id], summary.field("complete") == .bool(true) else { return false }
                return Self.number(summary, "pending") == 0 && Self.number(summary, "timed_out") == 0
            }
            if done || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        ledger.elapsed = ContinuousClock.now - started

        let executions = fleet.executions()
        for id in commandIDs {
            guard let summary = summaries[id], case .array(let expected)? = summary.field("expected_devices") else {
                Issue.record("command \(id) is not listed by the gateway")
                continue
            }
            ledger.sent += expected.count
            let ok = Self.number(summary, "ok")
            let failedCount = Self.number(summary, "failed")
            ledger.acknowledged += ok + (allowFailed ? failedCount : 0)
            ledger.failed += failedCount
            // A device killed between recording a command and running its hook answers it `failed`
            // ("interrupted"): the gateway knows, so it is not lost, though no journal line exists.
            let failedDevices = allowFailed && failedCount > 0 ? try await Self.failedDevices(gateway, id) : []
            for case .string(let device) in expected
            where (executions[device]?[id] ?? 0) == 0 && !failedDevices.contains(device) {
                ledger.lost += 1
            }
        }
        ledger.duplicates = executions.values.flatMap(\.values).reduce(0) { $0 + max($1 - 1, 0) }
        print(ledger.line)
        #expect(ledger.lost == 0, "\(ledger.line)")
        #expect(ledger.duplicates == 0, "\(ledger.line)")
        #expect(ledger.acknowledged == ledger.sent, "\(ledger.line)")
        if !allowFailed { #expect(ledger.failed == 0, "\(ledger.line)") }
        return ledger
    }

    /// Every listed command's summary, by id (the listing carries each command's totals).
    private static func summaries(_ gateway: GatewayClient, wanted: Set<String>) async throws -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        var offset = 0
        while true {
            let page = try await gateway.admin(.get, "commands?limit=500&offset=\(offset)")
            guard case .array(let items)? = page["items"], !items.isEmpty else { return found }
            for item in items {
                if case .string(let id)? = item.field("id"), wanted.contains(id) { found[id] = item }
            }
            offset += items.count
        }
    }

    private static func failedDevices(_ gateway: GatewayClient, _ id: String) async throws -> Set<String> {
        let states = try await AcknowledgementTests.status(gateway, id)
        return Set(states.filter { $0.value.field("state") == .string("failed") }.keys)
    }

    private static func number(_ summary: JSONValue, _ state: String) -> Int {
        if case .number(let value)? = summary.field("totals")?.field(state) { return Int(value) }
        return 0
    }
}
