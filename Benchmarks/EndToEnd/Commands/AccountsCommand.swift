import ArgumentParser
import Foundation
import HookcastProtocol
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

    @Flag(name: .customLong("memory-only"), help: "Only the memory figure; prints it, writes no file.")
    var memoryOnly = false

    @Option(name: .customLong("git-commit"), help: "The commit measured, for the results file.")
    var gitCommit = "unknown"

    @OptionGroup var topicPrefix: TopicPrefixOption

    @Option(name: .customLong("mosquitto-version"), help: "For the results file.")
    var mosquittoVersion = "unknown"

    func run() async throws {
        // TestBroker's secure mode runs `hookcast broker-setup` with this executable.
        setenv("HOOKCAST_EXECUTABLE", hookcast, 1)
        let topics = try topicPrefix.topics()
        let work = URL(fileURLWithPath: workDirectory, isDirectory: true)
        let logs = work.appendingPathComponent("logs", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        guard stallBrokerLines.isEmpty || stallOnly else {
            throw ValidationError("--stall-broker-line is for --stall-only experiments: the figures use broker.conf")
        }
        if memoryOnly {
            let memory = try await BrokerMemoryGrowth(
                hookcast: hookcast, devices: largeDevices, topics: topics, work: work, logs: logs
            ).run()
            print(
                "memory: growth without accounts \(memory.withoutAccounts / 1024) KiB, with \(memory.withAccounts / 1024) "
                    + "KiB; \((memory.withAccounts - memory.withoutAccounts) / largeDevices) bytes per account")
            return
        }
        var stalls: [CPUPlacement: (open: ImportStallTrials.Outcome, plugin: ImportStallTrials.Outcome)] = [:]
        for placement in CPUPlacement.allCases {
            let trials = ImportStallTrials(
                hookcast: hookcast, devices: devices, rounds: Self.stallRounds, topics: topics,
                brokerLines: stallBrokerLines,
                placement: placement, work: work, logs: logs)
            BenchLog.line(
                "\(Self.stallRounds) imports of \(devices) devices on each side, open and plugin in turns, "
                    + "placement \(placement.rawValue)")
            stalls[placement] = try await trials.run()
        }
        guard let shared = stalls[.shared], let ownCore = stalls[.brokerOwnCore] else { return }
        let (openImports, pluginImports) = shared
        if stallOnly {
            for placement in CPUPlacement.allCases {
                guard let outcomes = stalls[placement] else { continue }
                for (name, outcome) in [("open", outcomes.open), ("plugin", outcomes.plugin)] {
                    print(
                        "\(placement.rawValue) \(name): imports "
                            + "\(outcome.importSeconds.map { String(format: "%.2f", $0) }) s; probe idle "
                            + "\(outcome.idle.report.text), during \(outcome.duringImport.report.text)")
                }
            }
            return
        }

        let (openBroadcast, pluginBroadcast) = try await BroadcastComparison(
            hookcast: hookcast, devices: devices, repetitions: Self.broadcastRepetitions, topics: topics, work: work,
            logs: logs
        ).run()

        let memory = try await BrokerMemoryGrowth(
            hookcast: hookcast, devices: largeDevices, topics: topics, work: work, logs: logs
        ).run()

        let figures = AccountsFigures(
            machine: .init(gitCommit: gitCommit, mosquittoVersion: mosquittoVersion), devices: devices,
            largeDevices: largeDevices, stallRounds: Self.stallRounds,
            importWithoutAccountsSeconds: openImports.medianImportSeconds,
            importWithAccountsSeconds: pluginImports.medianImportSeconds,
            largeImportWithAccountsSeconds: memory.importWithAccounts.seconds,
            probeIdle: pluginImports.idle.report, probeDuringImport: pluginImports.duringImport.report,
            probeSamplesDuringImport: pluginImports.duringImport.count, probeIdleOpen: openImports.idle.report,
            probeDuringImportOpen: openImports.duringImport.report,
            probeIdleOwnCore: ownCore.plugin.idle.report, probeDuringImportOwnCore: ownCore.plugin.duringImport.report,
            probeIdleOpenOwnCore: ownCore.open.idle.report,
            probeDuringImportOpenOwnCore: ownCore.open.duringImport.report,
            broadcastsPerSide: Self.broadcastRepetitions, broadcastOpenSeconds: openBroadcast.median,
            broadcastPluginSeconds: pluginBroadcast.median,
            broadcastsComplete: openBroadcast.complete && pluginBroadcast.complete,
            broadcastBrokerCPUOpenMilliseconds: openBroadcast.medianBrokerCPUMilliseconds,
            broadcastBrokerCPUPluginMilliseconds: pluginBroadcast.medianBrokerCPUMilliseconds,
            brokerGrowthWithoutAccountsBytes: memory.withoutAccounts, brokerGrowthWithAccountsBytes: memory.withAccounts
        )
        print(figures.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(figures).write(to: URL(fileURLWithPath: output))
    }

    /// Twenty-five a side: one broadcast's time varies by ±20 % here, twice the ratio's margin. With seven a side
    /// the ratio of the medians moved from 0.92 to 1.19 between runs of the same code; with fifteen, once
    /// broadcasts took 0.7 s instead of 1.0, from 0.93 to 1.21 in four runs of one commit.
    static let broadcastRepetitions = 25

    /// Fresh brokers the import and stall figures pool (`ImportStallTrials`). Eight since imports write their
    /// devices in one transaction: an import of 10,000 takes about 0.35 s, so a round gives about 35 probes
    /// during it, and three rounds' p99 was their second slowest.
    static let stallRounds = 8
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
