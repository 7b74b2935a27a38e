import ArgumentParser
import Foundation
import HookcastProtocol
import Mosquitto
import Synchronization

/// `hookcast-bench ack-sink`: the floor under the gateway's cost per acknowledgement. An MQTT client of the
/// gateway's kind (the `Mosquitto` module over libmosquitto, MQTT v5, the acknowledgements' filter at QoS 1, read by
/// a handler on the network thread as the gateway reads them) that only counts what arrives. Each time another
/// `--per-round` have arrived it publishes the count on `AckSinkCommand.countedTopic`. Whatever the gateway spends
/// per acknowledgement beyond this process's CPU per message is its own work; `hookcast-bench intake` starts it.
struct AckSinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack-sink", abstract: "Count acknowledgements at QoS 1 and do nothing else (intake's floor).")

    static let countedTopic = "hookcast-bench/ack-sink/counted"

    @Option(name: .customLong("mqtt-port"), help: "The broker's port on 127.0.0.1.")
    var mqttPort: Int

    @Option(name: .customLong("per-round"), help: "Acknowledgements per round: the count is published after each.")
    var perRound: Int

    @OptionGroup var topicPrefix: TopicPrefixOption

    func run() async throws {
        guard perRound > 0 else { throw ValidationError("--per-round must be positive") }
        let client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-ack-sink-\(UUID().uuidString.prefix(8))",
                cleanStart: true, sessionExpiryInterval: 0))
        try await client.connect()
        let (rounds, roundEnded) = AsyncStream.makeStream(of: Int.self)
        let counter = Atomic<Int>(0)
        let perRound = perRound
        let subscription = try await client.subscribe(
            to: "\(try topicPrefix.topics().root)/devices/+/acks", options: MQTTSubscriptionOptions(qos: .atLeastOnce)
        ) { _ in
            let count = counter.add(1, ordering: .relaxed).newValue
            if count % perRound == 0 { roundEnded.yield(count) }
        }
        // Ready: the harness waits for this before it publishes.
        try await client.publish(to: Self.countedTopic, payload: Array("0".utf8), qos: .atLeastOnce)
        for await count in rounds {
            try await client.publish(to: Self.countedTopic, payload: Array(String(count).utf8), qos: .atLeastOnce)
        }
        // Runs until the harness stops the process; the subscription lives as long.
        withExtendedLifetime(subscription) {}
    }
}
