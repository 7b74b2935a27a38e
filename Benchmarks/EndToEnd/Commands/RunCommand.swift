import ArgumentParser
import Foundation
import HookcastProtocol
import NIOPosix

/// `hookcast-bench run`: the whole comparison on a broker the script started (the shipped broker.conf with access
/// control on, every client with an account of its own; `BenchAccounts`): every device registered in Hookcast
/// first, the ceilings, then each target through scenarios 1–3 at 1,000 devices, broadcasts at 5,000 and 10,000,
/// and the gateway's memory with 10,000 devices and a million commands of history. scripts/bench is the way to run
/// it.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run every scenario against Hookcast, the peers and the ceilings.")

    @Option(name: .customLong("mqtt-port"), help: "The broker (broker.conf with access control on) on 127.0.0.1.")
    var mqttPort: Int

    @Option(
        name: .customLong("broker-pid"),
        help: "That broker's process, whose CPU time the closed loop's machine share counts.")
    var brokerPID: Int32?

    @Option(
        name: .customLong("mqtt-accounts"),
        help: "Directory with gateway.json (hookcast broker-setup) and ACCOUNT.password for the bench's accounts.")
    var mqttAccounts: String

    @Option(help: "The release-built hookcast executable.")
    var hookcast: String

    @Option(
        help: """
            A peer: NAME;LABEL;PATH;COMMAND with {port} {mqtt_port} {routes} {key_file} {mqtt_username} \
            {mqtt_password_file} (repeatable).
            """)
    var peer: [String] = []

    @Option(help: "Where to write the results JSON.")
    var output: String

    @Option(name: .customLong("work-dir"), help: "Scratch directory: gateway data, logs, peers' routes.")
    var workDirectory: String

    @Option(name: .customLong("fleet-sizes"), help: "Broadcast fleet sizes, comma-separated; the first is the base.")
    var fleetSizes: String = "1000,5000,10000"

    @Option(name: .customLong("history"), help: "Commands of history for the memory scenario.")
    var historyCommands: Int = 1_000_000

    @Option(name: .customLong("git-commit"), help: "The commit measured, for the results file.")
    var gitCommit: String = "unknown"

    @Option(name: .customLong("mosquitto-version"), help: "For the results file.")
    var mosquittoVersion: String = "unknown"

    @OptionGroup var topicPrefix: TopicPrefixOption

    @Flag(help: "Shorter trials and only the first fleet size: checks the harness, not the figures.")
    var quick = false

    @Flag(
        name: .customLong("broadcasts-only"),
        help: """
            Only Hookcast's broadcasts and the raw fan-out, at every fleet size (no peers, no load scenarios, no \
            memory): for profiling and experiments on the broadcast path.
            """)
    var broadcastsOnly = false

    @Flag(
        name: .customLong("memory-only"),
        help: """
            Only the memory scenario, at the last fleet size (no peers, no ceilings, no other scenarios): for \
            experiments on the gateway's and the simulator's memory.
            """)
    var memoryOnly = false

    @Option(name: .customLong("broadcast-repetitions"), help: "Broadcasts per target and fleet size (median kept).")
    var broadcastRepetitions: Int?

    func run() async throws {
        let sizes = fleetSizes.split(separator: ",").compactMap { Int($0) }
        guard let baseSize = sizes.first else { throw ValidationError("--fleet-sizes needs at least one size") }
        if broadcastsOnly && memoryOnly {
            throw ValidationError("--broadcasts-only and --memory-only exclude each other")
        }
        let work = URL(fileURLWithPath: workDirectory, isDirectory: true)
        let logs = work.appendingPathComponent("logs", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let accounts = BenchAccounts(directory: URL(fileURLWithPath: mqttAccounts, isDirectory: true))
        let topics = try topicPrefix.topics()
        BenchLog.line("topic prefix: \(topics.root)")
        let peers = try peer.map {
            try PeerTarget(
                specification: $0, mqttPort: mqttPort, topics: topics, workDirectory: work, logDirectory: logs,
                accounts: accounts)
        }
        try await BrokerAccessCheck.run(mqttPort: mqttPort, topics: topics, accounts: accounts, peer: peers.first?.name)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let observer = try AcknowledgementObserver(
            mqttPort: mqttPort, topics: topics, login: accounts.login(BenchAccounts.observer))
        let presence = try PresenceCounter(
            mqttPort: mqttPort, topics: topics, login: accounts.login(BenchAccounts.presence))
        try await observer.start()
        try await presence.start()
        let fleet = BenchFleet(
            hookcast: hookcast, mqttPort: mqttPort, topics: topics, logDirectory: logs,
            passwordsDirectory: work.appendingPathComponent("device-passwords", isDirectory: true))
        let hookcastTarget = HookcastTarget(
            hookcast: hookcast, mqttPort: mqttPort, topics: topics,
            dataDirectory: work.appendingPathComponent("gateway"),
            logDirectory: logs, accounts: accounts)
        var runner = ScenarioRunner(observer: observer, group: group)
        if quick { runner.trialSeconds = 2 }
        var results = BenchResults(
            startedAt: Date().formatted(.iso8601), gitCommit: gitCommit,
            machine: .init(
                cores: ProcessInfo.processInfo.activeProcessorCount, kernel: Self.kernel(),
                mosquitto: mosquittoVersion, brokerAccessControl: "on"))
        var session = BenchSession(
            runner: runner, observer: observer, fleet: fleet, presence: presence, hookcast: hookcastTarget,
            peers: broadcastsOnly || memoryOnly ? [] : peers, logDirectory: logs, mqttPort: mqttPort,
            brokerPID: brokerPID.map { pid_t($0) }, topics: topics,
            accounts: accounts, quick: quick, broadcastRepetitions: broadcastRepetitions ?? (quick ? 1 : 3),
            results: results)
        do {
            if broadcastsOnly {
                try await session.runBroadcastsOnly(sizes: sizes)
            } else if memoryOnly {
                try await session.runMemoryOnly(
                    sizes: quick ? [baseSize] : sizes, historyCommands: quick ? 20_000 : historyCommands)
            } else {
                try await session.runAll(sizes: quick ? [baseSize] : sizes, historyCommands: historyCommands)
            }
        } catch {
            BenchLog.line("stopped by an error: \(error)")
            await session.stopAll()
            throw error
        }
        await session.stopAll()
        results = session.results
        BenchGoals.evaluate(&results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: output))
        print(BenchTable.render(results))
        await observer.stop()
        await presence.stop()
        try await group.shutdownGracefully()
    }

    private static func kernel() -> String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
