import ArgumentParser
import Foundation
import HookcastBrokerAccess
import HookcastProtocol

/// `hookcast-bench control`: how long the broker plugin's thread is busy with one control request, measured in
/// this process with the plugin's own code (`BrokerAccessState.handleControl` and `AccountJournal.append`), so the
/// broker's stall during an import can be told apart from the machine's other load.
struct ControlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control", abstract: "The plugin's work per control request, without a broker.")

    @Option(help: "Devices imported, in requests of --per-request.")
    var devices = 10_000

    @Option(name: .customLong("per-request"), help: "Devices per request.")
    var perRequest = 100

    @Option(name: .customLong("work-dir"), help: "Where the journal goes.")
    var workDirectory: String

    func run() async throws {
        let gateway = StoredCredential(password: "gateway-password")
        var state = BrokerAccessState(gateways: GatewayAccounts(["hookcast-gateway": gateway]))
        let journal = try AccountJournal(directory: workDirectory + "/journal") { _ in }
        defer { journal.close() }
        let encoder = JSONEncoder()
        var requests: [Data] = []
        var index = 0
        while index < devices {
            let accounts = try (index..<min(index + perRequest, devices)).map { number in
                BrokerDeviceAccount(
                    id: try DeviceID("screen-\(number)"),
                    credential: StoredCredential(password: "password-\(number)").hex,
                    groups: [try GroupID("lobby"), try GroupID("floor-\(number % 20)")])
            }
            requests.append(try encoder.encode(BrokerControlRequest(commands: [.putDevices(accounts)])))
            index += perRequest
        }
        var handling: [Duration] = []
        var journaling: [Duration] = []
        let clock = ContinuousClock()
        for request in requests {
            var outcome: ControlOutcome?
            handling.append(clock.measure { outcome = state.handleControl(request, from: "hookcast-gateway") })
            let changes = outcome?.changes ?? []
            journaling.append(try clock.measure { try journal.append(changes) })
        }
        func report(_ name: String, _ durations: [Duration]) {
            let sorted = durations.sorted()
            let microseconds = { (duration: Duration) in Double(duration.components.attoseconds) / 1e12
                + Double(duration.components.seconds) * 1e6 }
            let median = microseconds(sorted[sorted.count / 2])
            print(
                String(
                    format: "%@: median %.0f µs, p99 %.0f µs, max %.0f µs per request of %d; %.2f µs per device",
                    name, median, microseconds(sorted[sorted.count * 99 / 100]), microseconds(sorted[sorted.count - 1]),
                    perRequest, median / Double(perRequest)))
        }
        report("read and apply", handling)
        report("journal", journaling)
    }
}
