import CMosquitto

/// The operations waiting on the broker, keyed by MQTT packet identifier ("mid").
enum PendingOperation {
    case publish(topic: String, CheckedContinuation<MQTTPublishResult, any Error>)
    case subscribe(filter: String, CheckedContinuation<Void, any Error>)
    case unsubscribe(CheckedContinuation<Void, any Error>)
    /// A subscribe or unsubscribe the client sends by itself (restoring after a reconnect, dropping an unused
    /// filter); nobody waits for it, a refusal is only logged.
    case background(filter: String)
}

/// An acknowledgement from the broker, as the network thread saw it.
enum Acknowledgement {
    case published(reasonCode: Int32)
    case subscribed(reasonCode: Int32)
    case unsubscribed
}

struct Deadline<Value> {
    var value: Value
    var deadline: ContinuousClock.Instant
}

struct SubscriptionEntry {
    var filter: String
    var qos: MQTTQoS
    var continuation: AsyncStream<MQTTMessage>.Continuation
}

/// All mutable state of one client. It lives inside a `Mutex`; every method runs with the lock held.
struct ClientState {
    var connection: MQTTConnectionState = .idle
    /// Bumped on every `connect()` so a late result from an abandoned attempt is recognised and ignored.
    var connectAttempt: UInt64 = 0
    var connectWaiter: Deadline<CheckedContinuation<Bool, any Error>>?
    var loopRunning = false
    /// The network thread while `loopRunning`.
    var networkLoop: NetworkLoop?
    var sweeperRunning = false
    var pending: [UInt16: Deadline<PendingOperation>] = [:]
    /// Acknowledgements that arrived before the caller recorded their mid (libmosquitto can be that fast).
    var earlyAcknowledgements: [UInt16: (Acknowledgement, ContinuousClock.Instant)] = [:]
    /// libmosquitto's error log lines since the last successful connection (TLS clients only): the reason for a
    /// TLS failure, which no return code carries.
    var tlsErrors: [String] = []
    /// A restart of libmosquitto's network thread is queued (after a TLS failure or a DISCONNECT from the broker,
    /// which end the thread for good).
    var restartScheduled = false
    /// Restarts since the last successful connection, for the backoff between them.
    var consecutiveRestarts = 0
    /// When the last connection was made; restarts count as consecutive unless it lasted a while.
    var lastConnected: ContinuousClock.Instant?
    var connectionWaiters: [UInt64: Deadline<CheckedContinuation<Void, any Error>>] = [:]
    var subscriptions: [UInt64: SubscriptionEntry] = [:]
    var observers: [UInt64: AsyncStream<MQTTConnectionState>.Continuation] = [:]
    private var nextIdentifier: UInt64 = 0

    mutating func makeIdentifier() -> UInt64 {
        nextIdentifier += 1
        return nextIdentifier
    }

    mutating func transition(to newState: MQTTConnectionState) {
        guard connection != newState else { return }
        connection = newState
        for observer in observers.values { observer.yield(newState) }
        if newState.isConnected {
            for waiter in connectionWaiters.values { waiter.value.resume() }
            connectionWaiters.removeAll()
        }
    }

    /// The distinct filters the broker should hold for us, with the highest QoS asked for each.
    var subscribedFilters: [String: MQTTQoS] {
        subscriptions.values.reduce(into: [:]) { filters, entry in
            filters[entry.filter] = max(filters[entry.filter] ?? .atMostOnce, entry.qos)
        }
    }

    /// Fails everything whose deadline has passed and forgets early acknowledgements nobody claimed.
    mutating func expire(now: ContinuousClock.Instant, configuration: MQTTClient.Configuration) {
        for (mid, operation) in pending where operation.deadline <= now {
            pending[mid] = nil
            operation.value.fail(with: MQTTError.acknowledgementTimedOut(after: configuration.acknowledgementTimeout))
        }
        for (id, waiter) in connectionWaiters where waiter.deadline <= now {
            connectionWaiters[id] = nil
            waiter.value.resume(throwing: MQTTError.notConnected(waited: configuration.offlineWaitTimeout))
        }
        let staleBefore = now - .seconds(2)
        earlyAcknowledgements = earlyAcknowledgements.filter { $0.value.1 > staleBefore }
    }

    /// Ends every wait with `error`; used when the client closes.
    mutating func failAll(with error: MQTTError) {
        for operation in pending.values { operation.value.fail(with: error) }
        pending.removeAll()
        for waiter in connectionWaiters.values { waiter.value.resume(throwing: error) }
        connectionWaiters.removeAll()
        earlyAcknowledgements.removeAll()
    }
}

extension PendingOperation {
    func fail(with error: any Error) {
        switch self {
        case .publish(_, let continuation): continuation.resume(throwing: error)
        case .subscribe(_, let continuation): continuation.resume(throwing: error)
        case .unsubscribe(let continuation): continuation.resume(throwing: error)
        case .background: break
        }
    }

    /// Resumes the waiter with what the broker said; returns a background subscription the broker refused, if any.
    func complete(with acknowledgement: Acknowledgement) -> (filter: String, code: MQTTReasonCode)? {
        switch (self, acknowledgement) {
        case (.publish(let topic, let continuation), .published(let code)):
            let reason = MQTTReasonCode(code)
            if reason.isFailure {
                continuation.resume(throwing: MQTTError.publishRejected(topic: topic, reason))
            } else {
                continuation.resume(returning: MQTTPublishResult(reasonCode: reason))
            }
        case (.subscribe(let filter, let continuation), .subscribed(let code)):
            let reason = MQTTReasonCode(code)
            if reason.isFailure {
                continuation.resume(throwing: MQTTError.subscribeRejected(filter: filter, reason))
            } else {
                continuation.resume()
            }
        case (.unsubscribe(let continuation), .unsubscribed):
            continuation.resume()
        case (.background(let filter), .subscribed(let code)):
            let reason = MQTTReasonCode(code)
            return reason.isFailure ? (filter, reason) : nil
        case (.background, _):
            break
        default:
            // A packet id reused across kinds can only mean the broker answered something we did not send.
            fail(
                with: MQTTError.library(code: MOSQ_ERR_PROTOCOL.rawValue, message: "acknowledgement of the wrong kind"))
        }
        return nil
    }
}
