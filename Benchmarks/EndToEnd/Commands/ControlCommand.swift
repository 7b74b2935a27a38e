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

    @OptionGroup var topicPrefix: TopicPrefixOption

    func run() async throws {
        let gateway = StoredCredential(password: "gateway-password")
        let topics = try topicPrefix.topics()
        var state = BrokerAccessState(gateways: GatewayAccounts(["hookcast-gateway": gateway]), topics: topics)
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
            let microseconds = { (duration: Duration) in duration.seconds * 1e6 }
            let median = microseconds(sorted[sorted.count / 2])
            print(
                String(
                    format: "%@: median %.0f µs, p99 %.0f µs, max %.0f µs per request of %d; %.2f µs per device",
                    name, median, microseconds(sorted[sorted.count * 99 / 100]), microseconds(sorted[sorted.count - 1]),
                    perRequest, median / Double(perRequest)))
        }
        report("read and apply", handling)
        report("journal", journaling)
        try reportAccessChecks(state, topics: topics)
    }

    /// What a group command to every device asks of the plugin per device: may the device receive the command,
    /// may the gateway receive its acknowledgement. The user names and topics are Swift strings here; the plugin
    /// first copies them out of mosquitto's C strings.
    private func reportAccessChecks(_ state: BrokerAccessState, topics: Topics) throws {
        let ids = try (0..<devices).map { try DeviceID("screen-\($0)") }
        let commandTopic = topics.groupCommands(try GroupID("lobby"))
        let acknowledgementTopics = ids.map(topics.deviceAcks)
        let clock = ContinuousClock()
        var allowed = 0
        let deviceChecks = clock.measure {
            for id in ids where state.authorize(username: id.rawValue, access: .receive, topic: commandTopic) == .allow
            {
                allowed += 1
            }
        }
        let gatewayChecks = clock.measure {
            for topic in acknowledgementTopics
            where state.authorize(username: "hookcast-gateway", access: .receive, topic: topic) == .allow {
                allowed += 1
            }
        }
        guard allowed == 2 * devices else {
            throw ValidationError("\(allowed) of \(2 * devices) access checks allowed: the policy changed")
        }
        func mean(_ duration: Duration) -> Double { duration.seconds * 1e6 / Double(devices) }
        print(
            String(
                format: "access checks: a device receiving a group command %.2f µs, the gateway receiving an "
                    + "acknowledgement %.2f µs (means of %d)", mean(deviceChecks), mean(gatewayChecks), devices))
    }
}
