import Foundation
import Mosquitto

/// Publishes N messages of a fixed size through the Mosquitto wrapper from several tasks and prints the rate.
/// Usage: mqtt-publish-bench PORT COUNT QOS [PAYLOAD_BYTES] [TASKS]
@main
enum PublishBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst().map { Int($0) }
        guard arguments.count >= 3, let port = arguments[0], let count = arguments[1], let qosValue = arguments[2],
            let qos = MQTTQoS(rawValue: Int32(qosValue))
        else {
            FileHandle.standardError.write(
                Data("usage: mqtt-publish-bench PORT COUNT QOS [PAYLOAD_BYTES] [TASKS]\n".utf8))
            exit(2)
        }
        let payloadBytes = arguments.count > 3 ? arguments[3] ?? 200 : 200
        let tasks = arguments.count > 4 ? arguments[4] ?? 32 : 32
        let client = try MQTTClient(
            configuration: MQTTClient.Configuration(port: port, clientID: "bench-\(UUID().uuidString.prefix(8))"))
        try await client.connect()
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: payloadBytes)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<tasks {
                group.addTask {
                    for _ in stride(from: worker, to: count, by: tasks) {
                        try await client.publish(to: "bench/\(worker)", payload: payload, qos: qos)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        await client.disconnect()
        print(String(format: "%.0f", Double(count) / seconds))
    }
}
