import Foundation
import Mosquitto

/// The MQTT ceiling: QoS 1 messages the size of a command envelope, published through libmosquitto as fast as
/// 1,000 in flight allow, to one QoS 1 subscriber on the same broker; the rate is what the subscriber received.
/// Each logs in with its own account, allowed only `bench/ceiling/…` (`BenchAccounts`).
enum MQTTCeiling {
    struct Figures {
        var messagesPerSecond: Double
        var published: Int
        var received: Int
    }

    static func measure(
        mqttPort: Int, accounts: BenchAccounts, count: Int = 200_000, payloadBytes: Int = 400
    ) async throws -> Figures {
        let tag = UUID().uuidString.prefix(8)
        let subscriberLogin = try accounts.login(BenchAccounts.ceilingSubscriber)
        let publisherLogin = try accounts.login(BenchAccounts.ceilingPublisher)
        let subscriber = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "bench-ceiling-sub-\(tag)", username: subscriberLogin.username,
                password: subscriberLogin.password))
        let publisher = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "bench-ceiling-pub-\(tag)", username: publisherLogin.username,
                password: publisherLogin.password, maxInFlightPublishes: 1000))
        try await subscriber.connect()
        try await publisher.connect()
        let topic = "bench/ceiling/\(tag)"
        let subscription = try await subscriber.subscribe(to: topic, qos: .atLeastOnce)
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: payloadBytes)
        let began = MonotonicClock.now
        let counting = Task { () -> (Int, UInt64) in
            var received = 0
            var last = MonotonicClock.now
            for await _ in subscription {
                received += 1
                last = MonotonicClock.now
                if received == count { break }
            }
            return (received, last)
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            counting.cancel()
        }
        let tasks = 64
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<tasks {
                group.addTask {
                    for _ in stride(from: worker, to: count, by: tasks) {
                        try await publisher.publish(to: topic, payload: payload, qos: .atLeastOnce)
                    }
                }
            }
            try await group.waitForAll()
        }
        let (received, last) = await counting.value
        watchdog.cancel()
        await publisher.disconnect()
        await subscriber.disconnect()
        let seconds = Double(last - began) / 1e9
        return Figures(messagesPerSecond: Double(received) / seconds, published: count, received: received)
    }
}
