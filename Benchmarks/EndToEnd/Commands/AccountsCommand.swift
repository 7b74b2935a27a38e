import ArgumentParser
import Foundation
import HookcastTestSupport

/// `hookcast-bench accounts`: issue 16's figures for device accounts in Hookcast's broker plugin, each against a
/// peer measured in the same run (the same import or broadcast with no accounts, the idle broker) or a ceiling.
/// Starts its own brokers from the shipped broker.conf (open, and secure with the plugin), gateways and fleets,
/// one at a time. scripts/bench-accounts is the way to run it.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Device accounts in the broker plugin against no accounts at all.")

    @Option(help: "The release-built hookcast executable.")
    var hookcast: String

    @Option(name: .customLong("work-dir"), help: "Scratch directory: gateway data, passwords, logs.")
    var workDirectory: String

    @Option(help: "Where to write the results JSON.")
    var output: String

    @Option(help: "Devices imported and simulated for the import, stall and broadcast figures.")
    var devices = 10_000

    @Option(name: .customLong("large"), help: "Devices imported for the large import and the memory figure.")
    var largeDevices = 100_000

    @Flag(name: .customLong("stall-only"), help: "Only the import and stall trials; prints them, writes no file.")
    var stallOnly = false

    @Option(
        name: .customLong("stall-broker-line"),
        help: "With --stall-only: a line added to both sides' broker configuration, for experiments (repeatable).")
    var stallBrokerLines: [String] = []

    @Option(name: .customLong("git-commit"), help: "The commit measured, for the results file.")
    var gitCommit = "unknown"

    @Option(name: .customLong("mosquitto-version"), help: "For the results file.")
    var mosquittoVersion = "unknown"

    func run() async throws {
        // TestBroker's secure mode runs `hookcast broker-setup` with this executable.
        setenv("HOOKCAST_EXECUTABLE", hookcast, 1)
        let work = URL(fileURLWithPath: workDirectory, isDirectory: true)
        let logs = work.appendingPathComponent("logs", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        guard stallBrokerLines.isEmpty || stallOnly else {
            throw ValidationError("--stall-broker-line is for --stall-only experiments: the figures use broker.conf")
        }
        let trials = ImportStallTrials(
            hookcast: hookcast, devices: devices, rounds: Self.stallRounds, brokerLines: stallBrokerLines, work: work,
            logs: logs)
        BenchLog.line("\(Self.stallRounds) imports of \(devices) devices on each side, open and plugin in turns")
        let (openImports, pluginImports) = try await trials.run()
        if stallOnly {
            for (name, outcome) in [("open", openImports), ("plugin", pluginImports)] {
                print(
                    "\(name): imports \(outcome.importSeconds.map { String(format: "%.2f", $0) }) s; probe idle "
                        + "\(outcome.idle.report.text), during \(outcome.duringImport.report.text)")
            }
            return
        }

        let (openBroadcast, pluginBroadcast) = try await BroadcastComparison(
            hookcast: hookcast, devices: devices, repetitions: Self.broadcastRepetitions, work: work, logs: logs
        ).run()

        // The broker's memory grows with the import even without accounts (each device's retained config), so the
        // accounts' share is the growth with them minus the growth without, for the same import.
        BenchLog.line("\(largeDevices) devices without accounts, then with")
        let largeOpen = try await TestBroker(access: .open)
        let largeOpenGateway = try await AccountsGateway(
            name: "gateway-large-open", hookcast: hookcast, broker: largeOpen, accounts: .none, work: work, logs: logs)
        let growthWithout = try await Self.brokerGrowth(of: largeOpen) {
            _ = try await largeOpenGateway.importDevices(1...largeDevices)
        }
        await largeOpenGateway.stop()
        largeOpen.stop()
        let large = try await TestBroker(access: .secure)
        let largeLogin = try large.gatewayCredentials
        let largeGateway = try await AccountsGateway(
            name: "gateway-large", hookcast: hookcast, broker: large,
            accounts: .plugin(username: largeLogin.username, password: largeLogin.password), work: work, logs: logs)
        var largeImport = Duration.zero
        let growthWith = try await Self.brokerGrowth(of: large) {
            largeImport = try await largeGateway.importDevices(1...largeDevices).took
        }
        BenchLog.line("imported \(largeDevices) with accounts in \(largeImport)")
        await largeGateway.stop()
        large.stop()

        let figures = AccountsFigures(
            machine: .init(gitCommit: gitCommit, mosquittoVersion: mosquittoVersion), devices: devices,
            largeDevices: largeDevices, stallRounds: Self.stallRounds,
            importWithoutAccountsSeconds: openImports.medianImportSeconds,
            importWithAccountsSeconds: pluginImports.medianImportSeconds,
            largeImportWithAccountsSeconds: largeImport.seconds,
            probeIdle: pluginImports.idle.report, probeDuringImport: pluginImports.duringImport.report,
            probeSamplesDuringImport: pluginImports.duringImport.count, probeIdleOpen: openImports.idle.report,
            probeDuringImportOpen: openImports.duringImport.report,
            broadcastsPerSide: Self.broadcastRepetitions, broadcastOpenSeconds: openBroadcast.median,
            broadcastPluginSeconds: pluginBroadcast.median,
            broadcastsComplete: openBroadcast.complete && pluginBroadcast.complete,
            brokerGrowthWithoutAccountsBytes: growthWithout, brokerGrowthWithAccountsBytes: growthWith)
        print(figures.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(figures).write(to: URL(fileURLWithPath: output))
    }

    /// Fifteen a side: one broadcast's time varies by ±20 % here, twice the ratio's margin, and with seven a side
    /// the ratio of the medians still moved from 0.92 to 1.19 between runs of the same code.
    static let broadcastRepetitions = 15

    /// Fresh brokers the import and stall figures pool (`ImportStallTrials`).
    static let stallRounds = 3

    /// How much the broker's resident memory grew while `body` ran, read once it settled: a journal compaction
    /// started by the import's last requests holds a copy of the table until it has written the snapshot (run 9
    /// read it 3 s after the import, with the copy still there: 371 bytes an account instead of 252).
    private static func brokerGrowth(of broker: TestBroker, _ body: () async throws -> Void) async throws -> Int {
        let before = try residentBytes(of: broker)
        try await body()
        return try await settledResidentBytes(of: broker) - before
    }

    /// The broker's VmRSS once four readings half a second apart agree within 64 KiB (at most 60 s).
    private static func settledResidentBytes(of broker: TestBroker) async throws -> Int {
        var readings: [Int] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            readings.append(try residentBytes(of: broker))
            let recent = readings.suffix(4)
            if recent.count == 4, let low = recent.min(), let high = recent.max(), high - low <= 64 * 1024 {
                return readings[readings.count - 1]
            }
        }
        BenchLog.line("the broker's memory did not settle within 60 s; using the last reading")
        return try readings.last ?? residentBytes(of: broker)
    }

    /// The broker's VmRSS.
    private static func residentBytes(of broker: TestBroker) throws -> Int {
        guard let pid = broker.pid,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kibibytes = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) })
        else { throw BenchHTTP.Failure(description: "cannot read the broker's memory") }
        return kibibytes * 1024
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
