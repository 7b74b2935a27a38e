import Mosquitto
import Synchronization

@testable import HookcastServer

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
    }

    private let recorded = Mutex(Recorded())

    init(connected: Bool = true) {
        if !connected { setConnected(false) }
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

    @discardableResult
    func publish(
        to topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTPublishProperties
    ) async throws -> MQTTReasonCode {
        let publish = Publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
        let refused = recorded.withLock { recorded -> Bool in
            guard recorded.state.isConnected, recorded.failuresAhead == 0 else {
                if recorded.failuresAhead > 0 { recorded.failuresAhead -= 1 }
                return true
            }
            recorded.publishes.append(publish)
            return false
        }
        if refused { throw Refused() }
        return .success
    }
}
