import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Synchronization

/// How long the broker takes to pass a message on while something else keeps it busy: every 10 ms a client with
/// the gateway's account publishes to a device's command topic, and the device, logged in with its own account,
/// receives it. Both clients are in this process, so each round trip is timed on one monotonic clock. The broker
/// checks the device's access on every delivery, so the figure includes the plugin's check.
///
/// Times are CLOCK_MONOTONIC (`MonotonicClock`), the clock `perf record -k CLOCK_MONOTONIC` stamps its events with:
/// each recording logs its round trips over a millisecond with the time each was sent, so a slow one can be found
/// in a trace of the scheduler or the broker's system calls.
final class BrokerStallProbe: Sendable {
    static let interval = Duration.milliseconds(10)

    private let sender: MQTTClient
    private let receiver: MQTTClient
    private let topic: String
    private let sent = Mutex<[UInt64: UInt64]>([:])
    private let samples = Mutex(LatencySummary())
    /// The round trips over `slowRoundTrip` since recording began: when each was sent and how long it took (ns).
    private let slow = Mutex<[(sentAt: UInt64, took: UInt64)]>([])
    private static let slowRoundTrip: UInt64 = 1_000_000
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// On an open broker both clients connect anonymously (`gateway` and `devicePassword` nil).
    init(
        port: Int, topics: Topics, gateway: (username: String, password: String)?, deviceID: String,
        devicePassword: String?
    ) throws {
        topic = topics.deviceCommands(try DeviceID(deviceID))
        sender = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: port, clientID: "hookcast-bench-probe-sender", username: gateway?.username,
                password: gateway?.password))
        receiver = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: port, clientID: deviceID, username: devicePassword == nil ? nil : deviceID,
                password: devicePassword))
    }

    /// Connects both and starts probing; samples go nowhere until `measure(for:)` or `record(during:)`.
    func start() async throws {
        try await receiver.connect()
        let messages = try await receiver.subscribe(to: topic, qos: .atMostOnce)
        try await sender.connect()
        let receiving = Task { [self] in
            for await message in messages {
                let now = MonotonicClock.now
                guard let sequence = UInt64(message.payloadString),
                    let began = sent.withLock({ $0.removeValue(forKey: sequence) })
                else { continue }
                let took = now - began
                samples.withLock { $0.record(nanoseconds: took) }
                if took > Self.slowRoundTrip { slow.withLock { $0.append((began, took)) } }
            }
        }
        let sending = Task { [self] in
            var sequence: UInt64 = 0
            var next = ContinuousClock.now
            while !Task.isCancelled {
                sequence += 1
                let now = MonotonicClock.now
                sent.withLock { $0[sequence] = now }
                _ = try? await sender.publish(to: topic, payload: Array(String(sequence).utf8), qos: .atMostOnce)
                next += Self.interval
                try? await Task.sleep(until: next)
            }
        }
        tasks.withLock { $0 = [receiving, sending] }
    }

    /// The round trips of the next `duration`.
    func measure(for duration: Duration) async throws -> LatencySummary {
        try await record { try await Task.sleep(for: duration) }.samples
    }

    /// The round trips while `body` runs, and what it returned.
    func record<Result>(during body: () async throws -> Result) async throws -> (
        samples: LatencySummary, result: Result
    ) {
        samples.withLock { $0 = LatencySummary() }
        slow.withLock { $0 = [] }
        let began = MonotonicClock.now
        let result = try await body()
        let ended = MonotonicClock.now
        // The last probes sent are still on their way.
        try await Task.sleep(for: .milliseconds(200))
        let seconds = { (nanoseconds: UInt64) in String(format: "%.4f", Double(nanoseconds) / 1e9) }
        let slowOnes = slow.withLock { $0 }.map {
            "\(seconds($0.sentAt)) (\(String(format: "%.2f", Double($0.took) / 1e6)) ms)"
        }
        BenchLog.line(
            "stall probe, monotonic \(seconds(began))–\(seconds(ended)) s: \(slowOnes.count) round trips over 1 ms"
                + (slowOnes.isEmpty ? "" : ", sent at \(slowOnes.joined(separator: ", "))"))
        return (samples.withLock { $0 }, result)
    }

    func stop() async {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        await sender.disconnect(drainTimeout: .seconds(1))
        await receiver.disconnect(drainTimeout: .seconds(1))
    }
}
