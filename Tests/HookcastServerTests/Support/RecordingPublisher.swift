import Synchronization

@testable import HookcastServer
@testable import Mosquitto

/// A broker for the in-process gateway: records every publish and acknowledges it at once, as a broker's PUBACK
/// would. It can be told to be disconnected, or to refuse the next publishes, to show what the gateway does then.
final class RecordingPublisher: BrokerPublishing {
    /// One publish as the gateway made it.
    struct Publish: Sendable, Equatable {
        let topic: String
        let payload: [UInt8]
        let qos: MQTTQoS
        let retain: Bool
        let properties: MQTTPublishProperties
    }

    /// What the fake broker refuses with: a publish that never got its acknowledgement.
    struct Refused: Error {}

    private struct Recorded {
        var state: MQTTConnectionState = .connected(sessionPresent: false)
        var publishes: [Publish] = []
        var failuresAhead = 0
        /// While stalled, publishes wait here (ignoring cancellation, as a client waiting for a PUBACK does).
        var stalled = false
        var stalledPublishes: [CheckedContinuation<Void, Never>] = []
        /// The last retained payload per topic, as a broker keeps it.
        var retained: [String: [UInt8]] = [:]
    }

    private let recorded = Mutex(Recorded())
    /// Whether `retainedMessages` answers what was retained, as a broker does; without, it answers nil, as a broker
    /// whose retained messages cannot be read back.
    private let readsRetained: Bool

    init(connected: Bool = true, readsRetained: Bool = false) {
        self.readsRetained = readsRetained
        if !connected { setConnected(false) }
    }

    /// Puts retained messages on the fake broker without recording them as the gateway's publishes: what a broker
    /// kept from before.
    func holdRetained(_ payload: [UInt8], on topic: String) {
        recorded.withLock { $0.retained[topic] = payload.isEmpty ? nil : payload }
    }

    func retainedMessages(under filter: String, markerTopic: String, timeout: Duration) async -> [String: [UInt8]]? {
        guard readsRetained else { return nil }
        return recorded.withLock { recorded in
            guard recorded.state.isConnected else { return nil }
            return recorded.retained.filter { TopicFilter.matches(filter, topic: $0.key) }
        }
    }

    var state: MQTTConnectionState { recorded.withLock { $0.state } }

    /// Every publish acknowledged so far, in order; refused ones are not in it.
    var publishes: [Publish] { recorded.withLock { $0.publishes } }

    /// The publishes on `topic`.
    func publishes(on topic: String) -> [Publish] { publishes.filter { $0.topic == topic } }

    func setConnected(_ connected: Bool) {
        recorded.withLock {
            $0.state = connected ? .connected(sessionPresent: false) : .disconnected(reason: "test: broker away")
        }
    }

    /// The next `count` publishes throw, as a publish whose connection dropped before the PUBACK does.
    func failNextPublishes(_ count: Int = 1) {
        recorded.withLock { $0.failuresAhead += count }
    }

    /// From now on publishes wait for `resume()`, as to a broker that stopped answering without closing the
    /// connection.
    func stall() {
        recorded.withLock { $0.stalled = true }
    }

    /// The publishes waiting go on, and the next ones do not wait.
    func resume() {
        let waiting = recorded.withLock { recorded in
            recorded.stalled = false
            defer { recorded.stalledPublishes = [] }
            return recorded.stalledPublishes
        }
        // Resumed outside the lock.
        for publish in waiting { publish.resume() }
    }

    /// How many publishes wait for `resume()`.
    var stalledPublishCount: Int { recorded.withLock { $0.stalledPublishes.count } }

    @discardableResult
    func publish(
        to topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTPublishProperties
    ) async throws -> MQTTReasonCode {
        await withCheckedContinuation { publish in
            let wait = recorded.withLock { recorded in
                if recorded.stalled { recorded.stalledPublishes.append(publish) }
                return recorded.stalled
            }
            if !wait { publish.resume() }
        }
        let publish = Publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
        let refused = recorded.withLock { recorded -> Bool in
            guard recorded.state.isConnected, recorded.failuresAhead == 0 else {
                if recorded.failuresAhead > 0 { recorded.failuresAhead -= 1 }
                return true
            }
            recorded.publishes.append(publish)
            if retain { recorded.retained[topic] = payload.isEmpty ? nil : payload }
            return false
        }
        if refused { throw Refused() }
        return .success
    }
}
