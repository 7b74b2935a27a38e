import CMosquitto
import Dispatch
import Logging
import Synchronization

/// Owns one libmosquitto client and everything that waits on it.
///
/// `@unchecked Sendable` is safe because: `mosq` is assigned once in `init` and only destroyed in `deinit`, when no
/// other reference exists; libmosquitto's calls are thread-safe in threaded mode (set in `configure`, before any
/// thread drives it) and before that only the serial `blockingQueue` drives the connection; every piece of
/// Swift state is inside the `state` mutex; the other stored properties are immutable and Sendable.
final class MosquittoHandle: @unchecked Sendable {
    let configuration: MQTTClient.Configuration
    let mosq: OpaquePointer
    let state = Mutex(ClientState())
    let limiter: InFlightLimiter
    var logger: Logger { configuration.logger }
    /// Calls that block (DNS, TCP connect, joining the network thread) run here, one at a time, never on the
    /// Swift concurrency pool and never on libmosquitto's own thread.
    let blockingQueue = DispatchQueue(label: "hookcast.mqtt.blocking")

    init(configuration: MQTTClient.Configuration) throws(MQTTError) {
        try configuration.validate()
        MosquittoLibrary.ensureInitialised()
        guard let mosq = mosquitto_new(configuration.clientID, configuration.cleanStart, nil) else {
            throw .library(code: MOSQ_ERR_NOMEM.rawValue, message: "mosquitto_new failed")
        }
        self.mosq = mosq
        self.configuration = configuration
        self.limiter = InFlightLimiter(limit: configuration.maxInFlightPublishes)
        // No clean-up on a throw: every stored property is set by now, so Swift runs `deinit`, which destroys
        // `mosq`. Destroying it here as well freed it twice and closed whatever descriptors its memory held next.
        try configure()
        // The handle outlives the network thread: MQTTClient stops the thread before it lets go of the handle.
        mosquitto_user_data_set(mosq, Unmanaged.passUnretained(self).toOpaque())
        installCallbacks()
        if configuration.tls != nil { installTLSLogCallback() }
    }

    deinit {
        mosquitto_destroy(mosq)
    }

    /// Starts the network thread on an opened connection; runs on `blockingQueue`.
    func startNetworkLoop() -> Int32 {
        let loop: NetworkLoop
        do {
            loop = try NetworkLoop(mosq: mosq, reconnectDelay: configuration.reconnectDelay)
        } catch {
            return MOSQ_ERR_ERRNO.rawValue
        }
        let code = loop.start()
        if code == MOSQ_ERR_SUCCESS.rawValue { state.withLock { $0.networkLoop = loop } }
        return code
    }

    /// Tells the network thread a packet was queued; in threaded mode libmosquitto leaves the writing to it.
    func wakeNetworkLoop() {
        state.withLock { $0.networkLoop }?.wake()
    }

    private func configure() throws(MQTTError) {
        try check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5))
        // Our own thread drives the client (NetworkLoop); libmosquitto must then lock as it does for its own.
        try check(mosquitto_threaded_set(mosq, true))
        // libmosquitto leaves Nagle's algorithm on; every request/acknowledgement exchange would then wait ~40 ms.
        try check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1))
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(mosq, username, configuration.password))
        }
        if let will = configuration.will {
            guard TopicFilter.isValidTopicName(will.topic) else { throw .invalidTopic(will.topic) }
            try will.install(on: mosq)
        }
        if let tls = configuration.tls {
            try configureTLS(tls)
        }
        try check(
            mosquitto_reconnect_delay_set(
                mosq, configuration.reconnectDelay.lowerBound, configuration.reconnectDelay.upperBound, true))
    }

    func check(_ code: Int32) throws(MQTTError) {
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
        }
    }

    var currentState: MQTTConnectionState { state.withLock { $0.connection } }

    // MARK: Waiting for acknowledgements

    /// Records an operation the broker will acknowledge under `mid`, unless the acknowledgement already came.
    func register(_ operation: PendingOperation, mid: Int32) {
        let packetID = UInt16(truncatingIfNeeded: mid)
        let refused = state.withLock { state -> (filter: String, code: MQTTReasonCode)? in
            if state.connection == .closed {
                operation.fail(with: MQTTError.clientClosed)
                return nil
            }
            if let (acknowledgement, _) = state.earlyAcknowledgements.removeValue(forKey: packetID) {
                return operation.complete(with: acknowledgement)
            }
            state.pending[packetID] = Deadline(
                value: operation, deadline: .now + configuration.acknowledgementTimeout)
            return nil
        }
        if let refused { logRefusedBackgroundSubscription(refused) }
    }

    /// Called on libmosquitto's thread for PUBACK, SUBACK and UNSUBACK (and for QoS 0 once written).
    func acknowledge(mid: Int32, _ acknowledgement: Acknowledgement) {
        let packetID = UInt16(truncatingIfNeeded: mid)
        let refused = state.withLock { state -> (filter: String, code: MQTTReasonCode)? in
            if let operation = state.pending.removeValue(forKey: packetID) {
                return operation.value.complete(with: acknowledgement)
            }
            state.earlyAcknowledgements[packetID] = (acknowledgement, .now)
            return nil
        }
        if let refused { logRefusedBackgroundSubscription(refused) }
    }

    private func logRefusedBackgroundSubscription(_ refused: (filter: String, code: MQTTReasonCode)) {
        logger.error(
            "broker refused to restore a subscription",
            metadata: ["filter": "\(refused.filter)", "reason": "\(refused.code)"])
    }

    /// Waits until the client is connected, at most `offlineWaitTimeout`.
    func waitForConnection() async throws {
        let ready = try state.withLock { state throws(MQTTError) -> Bool in
            switch state.connection {
            case .connected: return true
            case .closed: throw .clientClosed
            case .idle: throw .notConnected(waited: .zero)
            case .connecting, .disconnected: return false
            }
        }
        if ready { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { state in
                switch state.connection {
                case .connected: continuation.resume()
                case .closed: continuation.resume(throwing: MQTTError.clientClosed)
                default:
                    state.connectionWaiters[state.makeIdentifier()] = Deadline(
                        value: continuation, deadline: .now + configuration.offlineWaitTimeout)
                }
            }
        }
    }

    // MARK: Deadlines

    /// One task per client fails whatever waited too long. It holds the handle only while it sweeps.
    func startSweeperIfNeeded() {
        let start = state.withLock { state in
            defer { state.sweeperRunning = true }
            return !state.sweeperRunning
        }
        guard start else { return }
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self, self.sweep() else { return }
            }
        }
    }

    /// Returns false once the client is closed.
    private func sweep() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state -> Bool in
            state.expire(now: now, configuration: configuration)
            handleTLSFailure(&state)
            if let waiter = state.connectWaiter, waiter.deadline <= now {
                state.connectWaiter = nil
                state.transition(to: .idle)
                // Queued before the caller hears of the failure, so a retried connect() runs after the clean-up.
                blockingQueue.async { self.stopNetworkThread() }
                waiter.value.resume(
                    throwing: MQTTError.connectTimedOut(
                        host: configuration.host, port: configuration.port, after: configuration.connectTimeout))
            }
            if state.connection == .closed {
                state.sweeperRunning = false
                return false
            }
            return true
        }
    }
}
