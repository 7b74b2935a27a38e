import Foundation
import HookcastProtocol
import Mosquitto
import Synchronization

/// Watches the broker as a bystander: every command any target publishes (to learn which request it came from, by
/// the `sensor_data.id` the benchmark put in each webhook) and every device acknowledgement (with the time it
/// arrived). The same for Hookcast and for the peers, so "lost" and the end-to-end latency mean the same thing for
/// all: a webhook answered success whose command no device acknowledged.
final class AcknowledgementObserver: Sendable {
    struct Snapshot {
        /// Command id → the request that made it.
        var sequenceByCommand: [String: Int]
        /// Command id → the arrival times of its acknowledgements (monotonic ns).
        var acknowledgementsByCommand: [String: [UInt64]]
        var acknowledgements: Int
    }

    private struct State {
        var sequenceByCommand: [String: Int] = [:]
        var acknowledgementsByCommand: [String: [UInt64]] = [:]
        var acknowledgements = 0
        var lastAcknowledgementAt: UInt64 = 0
    }

    private let client: MQTTClient
    private let topics: Topics
    private let state = Mutex(State())
    private let listeners = Mutex<[Task<Void, Never>]>([])

    /// `login`: on a broker with access control, an account that may read every command and acknowledgement
    /// topic (`BenchAccounts.observer`).
    init(mqttPort: Int, topics: Topics, login: (username: String, password: String)? = nil) throws {
        self.topics = topics
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-observer-\(UUID().uuidString.prefix(8))",
                username: login?.username, password: login?.password, cleanStart: true, sessionExpiryInterval: 0,
                maxInFlightPublishes: 1000))
    }

    func start() async throws {
        try await client.connect()
        var tasks: [Task<Void, Never>] = []
        for filter in topics.benchCommandFilters {
            let subscription = try await client.subscribe(to: filter, qos: .atLeastOnce)
            tasks.append(Task { await self.readCommands(subscription) })
        }
        let acknowledgements = try await client.subscribe(to: topics.anyDeviceAcks, qos: .atLeastOnce)
        tasks.append(Task { await self.readAcknowledgements(acknowledgements) })
        listeners.withLock { $0 = tasks }
    }

    func stop() async {
        for task in listeners.withLock({ $0 }) { task.cancel() }
        await client.disconnect(drainTimeout: .seconds(1))
    }

    /// Forgets what it saw, between trials.
    func reset() {
        state.withLock { $0 = State() }
    }

    func snapshot() -> Snapshot {
        state.withLock {
            Snapshot(
                sequenceByCommand: $0.sequenceByCommand, acknowledgementsByCommand: $0.acknowledgementsByCommand,
                acknowledgements: $0.acknowledgements)
        }
    }

    var acknowledgementCount: Int { state.withLock { $0.acknowledgements } }

    /// Waits until `isDone` holds for the acknowledgement count, or no acknowledgement came for `quiet`, or
    /// `limit` passed.
    func waitForAcknowledgements(
        quiet: Duration = .milliseconds(1500), limit: Duration = .seconds(30), until isDone: (Int) -> Bool
    ) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let (count, last) = state.withLock { ($0.acknowledgements, $0.lastAcknowledgementAt) }
            if isDone(count) { return }
            let quietNanoseconds =
                UInt64(quiet.components.seconds) * 1_000_000_000
                + UInt64(quiet.components.attoseconds / 1_000_000_000)
            if last != 0, MonotonicClock.now - last > quietNanoseconds { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func readCommands(_ subscription: MQTTSubscription) async {
        for await message in subscription {
            guard let command = EnvelopeScanner.command(message.payload) else { continue }
            state.withLock { $0.sequenceByCommand[command.commandID] = command.sequence }
        }
    }

    private func readAcknowledgements(_ subscription: MQTTSubscription) async {
        for await message in subscription {
            let arrivedAt = MonotonicClock.now
            guard let commandID = EnvelopeScanner.acknowledgedCommand(message.payload) else { continue }
            state.withLock {
                $0.acknowledgementsByCommand[commandID, default: []].append(arrivedAt)
                $0.acknowledgements += 1
                $0.lastAcknowledgementAt = arrivedAt
            }
        }
    }
}
