import Foundation
import Mosquitto
import Synchronization

/// A second reader of every acknowledgement, standing in for the gateway's subscription in the fan-out ceiling:
/// during Hookcast's broadcast the broker delivers each acknowledgement twice (to the observer and to the gateway),
/// during the raw fan-out once. With this reader connected the ceiling pays that second delivery too.
final class AcknowledgementCounter: Sendable {
    private struct State {
        var commandID = ""
        var count = 0
        var lastArrivalAt: UInt64 = 0
    }

    private let client: MQTTClient
    private let state = Mutex(State())
    private let reader = Mutex<Task<Void, Never>?>(nil)

    /// `login`: an account that may read the acknowledgement topics (`BenchAccounts.observer`).
    init(mqttPort: Int, login: (username: String, password: String)) throws {
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-counter-\(UUID().uuidString.prefix(8))",
                username: login.username, password: login.password, cleanStart: true, sessionExpiryInterval: 0,
                maxInFlightPublishes: 1000))
    }

    func start() async throws {
        try await client.connect()
        let subscription = try await client.subscribe(to: "hookcast/v1/devices/+/acks", qos: .atLeastOnce)
        reader.withLock { $0 = Task { await self.read(subscription) } }
    }

    func stop() async {
        reader.withLock { $0 }?.cancel()
        await client.disconnect(drainTimeout: .seconds(1))
    }

    /// Counts from now on the acknowledgements of `commandID` only.
    func expect(_ commandID: String) {
        state.withLock { $0 = State(commandID: commandID) }
    }

    /// How many acknowledgements of the expected command arrived, and when the last one did (monotonic ns).
    var progress: (count: Int, lastArrivalAt: UInt64) {
        state.withLock { ($0.count, $0.lastArrivalAt) }
    }

    private func read(_ subscription: MQTTSubscription) async {
        for await message in subscription {
            let arrivedAt = MonotonicClock.now
            guard let commandID = EnvelopeScanner.acknowledgedCommand(message.payload) else { continue }
            state.withLock {
                guard $0.commandID == commandID else { return }
                $0.count += 1
                $0.lastArrivalAt = arrivedAt
            }
        }
    }
}
