import Foundation
import HookcastTestSupport
import Mosquitto

/// The `hookcast-bench ack-sink` process `hookcast-bench intake` measures the gateway against, and the harness's
/// view of its count (`AckSinkCommand.countedTopic`, published after each round).
final class AcknowledgementSink {
    private let process: BenchProcess
    private let client: MQTTClient
    private let counted: MQTTSubscription

    var pid: pid_t { process.pid }

    init(mqttPort: Int, topicPrefix: String, perRound: Int, logs: URL) async throws {
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-sink-watch-\(UUID().uuidString.prefix(8))",
                cleanStart: true, sessionExpiryInterval: 0))
        try await client.connect()
        counted = try await client.subscribe(to: AckSinkCommand.countedTopic)
        process = try BenchProcess(
            name: "ack-sink", executable: BenchExecutable.path,
            arguments: [
                "ack-sink", "--mqtt-port", String(mqttPort), "--per-round", String(perRound), "--topic-prefix",
                topicPrefix,
            ],
            logDirectory: logs)
        try await waitForCount(0)
    }

    /// Returns once the sink has said it counted `expected` acknowledgements in all.
    func waitForCount(_ expected: Int) async throws {
        let counted = counted
        try await withTimeout(.seconds(60), "the acknowledgement sink counting \(expected)") {
            for await message in counted where message.payloadString == String(expected) { return }
            throw SinkError.countEnded
        }
    }

    func stop() async {
        await process.stop()
        await client.disconnect()
    }

    enum SinkError: Error {
        case countEnded
    }
}
