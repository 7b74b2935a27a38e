import Foundation
import HookcastProtocol
import HookcastTestSupport

/// The import and stall figures: `rounds` times, on each side, a fresh broker (open, or secure with the plugin) and
/// gateway, the probe idle for five seconds, then one import of `devices` devices while the probe runs.
///
/// Rounds rather than one long import or several imports into the same broker: one import gives few probes
/// (about 35 since an import of 10,000 takes 0.35 s), so its p99 is its slowest and one unlucky moment of the
/// machine decides it; and every further
/// import into the same broker grows the database mosquitto rewrites every second (`autosave_interval 1` in
/// broker.conf), which stalls it tens of milliseconds with or without the plugin. Fresh rounds repeat the
/// situation of the issue, a 10,000-device import into a broker, and pool its samples.
struct ImportStallTrials {
    let hookcast: String
    let devices: Int
    let rounds: Int
    let topics: Topics
    /// Added to both sides' broker configuration (experiments only).
    var brokerLines: [String] = []
    /// Where the broker, the gateway and the probe run (both sides alike).
    var placement = CPUPlacement.shared
    let work: URL
    let logs: URL

    struct Outcome {
        var idle = LatencySummary()
        var duringImport = LatencySummary()
        var importSeconds: [Double] = []

        /// The middle import time: the figure the import ratio compares.
        var medianImportSeconds: Double { importSeconds.sorted()[importSeconds.count / 2] }
    }

    /// The rounds alternate, open then plugin, so a change in the machine's load during the run (it is a shared
    /// virtual machine) falls on both sides alike.
    func run() async throws -> (open: Outcome, plugin: Outcome) {
        var open = Outcome()
        var plugin = Outcome()
        for round in 1...rounds {
            try await runRound(round, access: .open, into: &open)
            try await runRound(round, access: .secure, into: &plugin)
        }
        return (open, plugin)
    }

    private func runRound(_ round: Int, access: TestBroker.Access, into outcome: inout Outcome) async throws {
        let broker = try await TestBroker(access: access, extraConfiguration: brokerLines, topics: topics)
        let name = "stall-\(placement.rawValue)-\(access == .open ? "open" : "plugin")-\(round)"
        let gateway: AccountsGateway
        let probe: BrokerStallProbe
        if access == .open {
            gateway = try await AccountsGateway(
                name: name, hookcast: hookcast, broker: broker, accounts: .none, work: work, logs: logs)
            probe = try BrokerStallProbe(
                port: broker.port, topics: topics, gateway: nil, deviceID: "bench-probe", devicePassword: nil)
        } else {
            let login = try broker.gatewayCredentials
            gateway = try await AccountsGateway(
                name: name, hookcast: hookcast, broker: broker,
                accounts: .plugin(username: login.username, password: login.password), work: work, logs: logs)
            guard let password = try await gateway.createDevice("bench-probe") else {
                throw BenchHTTP.Failure(description: "the gateway answered no broker password for the probe device")
            }
            probe = try BrokerStallProbe(
                port: broker.port, topics: topics, gateway: login, deviceID: "bench-probe", devicePassword: password)
        }
        try placement.apply(broker: broker.pid, gateway: gateway.process.pid)
        try await probe.start()
        // Made before the harness is raised: real-time, its tens of milliseconds would keep the probe's own
        // threads (same priority, same core) from running.
        let request = try AccountsGateway.importRequest(1...devices)
        if !HarnessPriority.raise() { BenchLog.line("\(name): the harness's threads could not be raised (not root)") }
        outcome.idle.add(try await probe.measure(for: .seconds(5)))
        let brokerCPU = broker.pid.flatMap(ProcessCPUTime.milliseconds(of:))
        let gatewayCPU = ProcessCPUTime.milliseconds(of: gateway.process.pid)
        let (during, imported) = try await probe.record { try await gateway.send(request) }
        outcome.duringImport.add(during)
        outcome.importSeconds.append(imported.took.seconds)
        // Which process kept the two cores busy during the import: the stall's likely suspects.
        func used(_ before: Double?, _ pid: pid_t?) -> String {
            guard let before, let pid, let after = ProcessCPUTime.milliseconds(of: pid) else { return "?" }
            return String(format: "%.0f", after - before)
        }
        BenchLog.line(
            "\(name): imported \(devices) in \(imported.took), probe p99 \(during.report.p99 ?? 0) ms; CPU ms: "
                + "broker \(used(brokerCPU, broker.pid)), gateway \(used(gatewayCPU, gateway.process.pid))")
        await probe.stop()
        HarnessPriority.reset()
        try placement.reset()
        await gateway.stop()
        await broker.stop()
    }
}
