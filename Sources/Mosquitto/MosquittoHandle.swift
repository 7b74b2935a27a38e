import CMosquitto
import Dispatch
import Logging
import Synchronization

/// Owns one libmosquitto client and everything that waits on it.
///
/// Its decisions are `ClientStateMachine`'s, made under the `state` lock; what they call for (resuming callers,
/// telling observers, starting and stopping the network loop) is done by `perform(_:)` after the lock is released.
///
/// `@unchecked Sendable` is safe because: `mosq` is assigned once in `init` and only destroyed in `deinit`, when no
/// other reference exists; libmosquitto's calls are thread-safe in threaded mode (set in `configure`, before any
/// thread drives it) and before that only the serial `blockingQueue` drives the connection; every piece of
/// Swift state is inside the `state` and `networkLoop` mutexes; the other stored properties are immutable and
/// Sendable.
final class MosquittoHandle: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<Reply, any Error>
    typealias State = ClientStateMachine<
        Waiter, AsyncStream<MQTTConnectionState>.Continuation, MessageReceiver
    >

    let configuration: MQTTClient.Configuration
    let mosq: OpaquePointer
    let state: Mutex<State>
    /// The network thread while it runs; set and cleared on `blockingQueue`.
    let networkLoop = Mutex<NetworkLoop?>(nil)
    let limiter: InFlightLimiter
    var logger: Logger { configuration.logger }
    /// Calls that block (DNS, TCP connect, joining the network thread) run here, one at a time, never on the
    /// Swift concurrency pool and never on the network thread.
    let blockingQueue = DispatchQueue(label: "hookcast.mqtt.blocking")

    init(configuration: MQTTClient.Configuration) throws(MQTTError) {
        try configuration.validate()
        MosquittoLibrary.ensureInitialised()
        guard let mosq = mosquitto_new(configuration.clientID, configuration.cleanStart, nil) else {
            throw .library(code: MOSQ_ERR_NOMEM.rawValue, message: "mosquitto_new failed")
        }
        self.mosq = mosq
        self.configuration = configuration
        self.state = Mutex(State(configuration: configuration))
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
        if code == MOSQ_ERR_SUCCESS.rawValue { networkLoop.withLock { $0 = loop } }
        return code
    }

    /// Tells the network thread a packet was queued; in threaded mode libmosquitto leaves the writing to it.
    func wakeNetworkLoop() {
        networkLoop.withLock { $0 }?.wake()
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
    func register(_ operation: PendingOperation<Waiter>, mid: Int32) {
        perform(state.withLock { $0.register(operation, mid: mid, now: .now) })
    }

    /// Called on the network thread for PUBACK, SUBACK and UNSUBACK (and for QoS 0 once written).
    func acknowledge(mid: Int32, _ acknowledgement: BrokerAcknowledgement) {
        perform(state.withLock { $0.acknowledge(mid: mid, acknowledgement, now: .now) })
    }

    /// Waits until the client is connected, at most `offlineWaitTimeout`.
    func waitForConnection() async throws {
        switch state.withLock({ $0.readiness }) {
        case .connected: return
        case .failed(let error): throw error
        case .wait: break
        }
        _ = try await withCheckedThrowingContinuation { (continuation: Waiter) in
            perform(state.withLock { $0.waitForConnection(continuation, now: .now) })
        }
    }

    // MARK: Deadlines

    /// One task per client fails whatever waited too long. It holds the handle only while it sweeps.
    func startSweeperIfNeeded() {
        guard state.withLock({ $0.startSweeper() }) else { return }
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self, self.sweep() else { return }
            }
        }
    }

    /// Returns false once the client is closed.
    private func sweep() -> Bool {
        let (action, continues) = state.withLock { $0.sweep(now: .now) }
        perform(action)
        return continues
    }
}
