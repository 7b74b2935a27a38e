import ArgumentParser
import Foundation
import HookcastProtocol
import HookcastTestSupport

/// `hookcast-bench intake`: the gateway's own cost of a broadcast's acknowledgements, with no fleet competing for
/// the cores. On an open broker, a gateway with `--device-accounts none` and `--devices` devices registered; each
/// repetition is a webhook to all of them (`?wait=30`) and one client publishing every device's acknowledgement as
/// soon as it sees the command. Prints the gateway's CPU per acknowledgement and how long after the last
/// acknowledgement was published the webhook answered. In `hookcast-bench run`'s broadcasts the fleet, the broker
/// and the gateway share two cores, so the gateway's figures there move with everything else on the machine;
/// here its CPU is nearly all there is to measure. Before the gateway starts, the same acknowledgements go to
/// `hookcast-bench ack-sink`, a client of the gateway's kind that only counts them: its CPU per acknowledgement is
/// the floor under the gateway's, and the summary gives the gateway's as a multiple of it. With `--gathered` the
/// broker is the shipped one with Hookcast's plugin, which hands the gateway the acknowledgements gathered
/// (`IntakeBroker`); the sink, which reads each one singly, is then not run (a run without the flag measures it).
/// scripts/bench-intake runs it.
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake", abstract: "The gateway's CPU per broadcast acknowledgement, without a fleet.")

    @Option(help: "The release-built hookcast executable.")
    var hookcast: String

    @Option(name: .customLong("work-dir"), help: "Scratch directory: gateway data, logs.")
    var workDirectory: String

    @Option(help: "Devices registered, and acknowledgements per broadcast.")
    var devices = 10_000

    @Option(help: "Broadcasts measured (one more runs first, unmeasured).")
    var repetitions = 9

    @Flag(help: "On the shipped broker with Hookcast's plugin, which gathers the acknowledgements for the gateway.")
    var gathered = false

    @OptionGroup var topicPrefix: TopicPrefixOption

    func run() async throws {
        guard devices > 0, repetitions > 0 else {
            throw ValidationError("--devices and --repetitions must be positive")
        }
        let topics = try topicPrefix.topics()
        let work = URL(fileURLWithPath: workDirectory, isDirectory: true)
        let logs = work.appendingPathComponent("logs", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let intakeBroker = try await IntakeBroker.start(gathered: gathered, topics: topics)
        let broker = intakeBroker.broker
        // Stopped at the end, or by its deinit (in the background) when a step throws.
        let answerer = try await AcknowledgementReplayer(
            mqttPort: broker.port, topics: topics, devices: devices, login: intakeBroker.replayerLogin)
        let floor = gathered ? [] : try await sinkFloor(broker: broker, answerer: answerer, logs: logs)
        let gateway = try await AccountsGateway(
            name: "intake", hookcast: hookcast, broker: broker, accounts: intakeBroker.gatewayAccounts, work: work,
            logs: logs)
        _ = try await gateway.importDevices(1...devices)
        let broadcast = try await IntakeBroadcast(gateway: gateway)
        BenchLog.line(
            "intake: \(devices) devices, \(repetitions) broadcasts after one unmeasured"
                + (gathered ? ", the plugin gathering the acknowledgements" : ""))

        var figures: [IntakeFigures] = []
        for repetition in 0...repetitions {
            let cpuBefore = ProcessCPUTime.milliseconds(of: gateway.process.pid) ?? 0
            let answer = broadcast.send()
            let published = try await answerer.answerNextCommand()
            let (answeredAt, complete) = try await answer.value
            let cpu = (ProcessCPUTime.milliseconds(of: gateway.process.pid) ?? 0) - cpuBefore
            guard complete else { throw ValidationError("a broadcast was answered incomplete") }
            let figure = IntakeFigures(
                cpuMilliseconds: cpu, publishing: published.publishing, answered: answeredAt - published.lastTaken,
                devices: devices)
            BenchLog.line("intake broadcast \(repetition == 0 ? "(unmeasured)" : "\(repetition)"): \(figure.text)")
            if repetition > 0 { figures.append(figure) }
        }
        await answerer.stop()
        await gateway.stop()
        await intakeBroker.stop()
        print(IntakeFigures.summary(figures, devices: devices))
        if !floor.isEmpty { print(IntakeFigures.floorSummary(floor, gateway: figures)) }
    }

    /// The acknowledgement sink's CPU per acknowledgement, a round per repetition (one more first, unmeasured),
    /// each round every device's acknowledgement of a command nobody sent.
    private func sinkFloor(broker: TestBroker, answerer: AcknowledgementReplayer, logs: URL) async throws -> [Double] {
        let sink = try await AcknowledgementSink(
            mqttPort: broker.port, topicPrefix: topicPrefix.topicPrefix, perRound: devices, logs: logs)
        var perAcknowledgement: [Double] = []
        for round in 0...repetitions {
            let cpuBefore = ProcessCPUTime.milliseconds(of: sink.pid) ?? 0
            _ = try await answerer.answer(commandID: UUID().uuidString.lowercased())
            try await sink.waitForCount(devices * (round + 1))
            let cpu = (ProcessCPUTime.milliseconds(of: sink.pid) ?? 0) - cpuBefore
            let figure = cpu * 1000 / Double(devices)
            BenchLog.line(
                "ack-sink round \(round == 0 ? "(unmeasured)" : "\(round)"): \(Int(cpu.rounded())) ms, "
                    + "\(IntakeFigures.format(figure)) µs per acknowledgement")
            if round > 0 { perAcknowledgement.append(figure) }
        }
        await sink.stop()
        return perAcknowledgement
    }
}
