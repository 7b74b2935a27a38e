import ArgumentParser
import Foundation
import HookcastProtocol
import NIOPosix

/// `hookcast-bench load`: one trial against a gateway that is already running, for profiling by hand (perf, top)
/// without the whole comparison. Sends the benchmark's device webhooks (`bench-d-00001` …) at a fixed rate or as
/// fast as the connections go, and with `--mqtt-port` also follows every command to its acknowledgement.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "One load trial against a running gateway (for profiling).")

    @Option(help: "The gateway's HTTP port on 127.0.0.1.")
    var port: Int

    @Option(name: .customLong("api-key-file"), help: "File holding the webhook API key.")
    var apiKeyFile: String

    @Option(help: "Webhooks per second; omit for as fast as the connections go.")
    var rate: Double?

    @Option(help: "Seconds to run.")
    var seconds: Double = 10

    @Option(help: "Keep-alive connections.")
    var connections: Int = 32

    @Option(help: "Distinct device events to cycle through (bench-d-00001 …).")
    var events: Int = BenchEvents.deviceEvents

    @Option(name: .customLong("mqtt-port"), help: "Watch the broker for acknowledgements (end-to-end latency).")
    var mqttPort: Int?

    @OptionGroup var topicPrefix: TopicPrefixOption

    func run() async throws {
        let key = try String(contentsOfFile: apiKeyFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let events = max(1, events)
        var plan = LoadPlan(
            port: port, path: "/public-api/integration/webhooks", headers: [("x-webhook-apikey", key)],
            total: rate.map { Int($0 * seconds) } ?? 4_000_000, rate: rate, connections: connections,
            body: { sequence in
                BenchEvents.body(event: BenchEvents.device(sequence % events + 1), sequence: sequence)
            })
        if rate == nil { plan.stopAfter = seconds }
        if let mqttPort {
            let observer = try AcknowledgementObserver(mqttPort: mqttPort, topics: try topicPrefix.topics())
            try await observer.start()
            let result = try await Trial(plan: plan).run(observer: observer, group: group)
            print(result.summary)
            await observer.stop()
        } else {
            let load = try await LoadGenerator.run(plan, on: group)
            print(
                "\(Int(load.requestsPerSecond.rounded()))/s answered \(load.statuses.count) ok \(load.succeeded) "
                    + "\(load.failuresByStatus) | http \(load.httpLatency.report.text)")
        }
        try await group.shutdownGracefully()
    }
}
