import CMosquitto
import Dispatch

extension MosquittoHandle {
    /// Connects and waits for the broker's CONNACK. Returns whether the broker resumed a stored session.
    func connect() async throws -> Bool {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            state.withLock { state in
                switch state.connection {
                case .idle:
                    state.connectAttempt += 1
                    state.tlsErrors.removeAll()
                    state.connectWaiter = Deadline(value: continuation, deadline: .now + configuration.connectTimeout)
                    state.transition(to: .connecting)
                    let attempt = state.connectAttempt
                    blockingQueue.async { self.performBlockingConnect(attempt: attempt) }
                case .closed:
                    continuation.resume(throwing: MQTTError.clientClosed)
                case .connecting, .connected, .disconnected:
                    continuation.resume(throwing: MQTTError.alreadyConnected)
                }
            }
            startSweeperIfNeeded()
        }
    }

    /// Runs on `blockingQueue`: name look-up and TCP connect block, so they never run on the concurrency pool.
    private func performBlockingConnect(attempt: UInt64) {
        let (code, failure) = blockingConnect()
        let startLoop = state.withLock { state -> Bool in
            guard state.connectAttempt == attempt, let waiter = state.connectWaiter else { return false }
            if let failure {
                state.connectWaiter = nil
                state.transition(to: .idle)
                let error: MQTTError
                switch code {
                case MOSQ_ERR_TLS.rawValue: error = tlsFailure(from: state.tlsErrors)
                case MOSQ_ERR_CONN_LOST.rawValue:
                    error = lostBeforeCONNACK("the connection to the broker was lost", tlsErrors: state.tlsErrors)
                default: error = .connectFailed(host: configuration.host, port: configuration.port, reason: failure)
                }
                waiter.value.resume(throwing: error)
                return false
            }
            return true
        }
        guard code == MOSQ_ERR_SUCCESS.rawValue else { return }
        guard startLoop else {
            // The attempt timed out or the client closed while the TCP connect was still under way.
            mosquitto_disconnect(mosq)
            return
        }
        let loopCode = startNetworkLoop()
        state.withLock { state in
            if loopCode == MOSQ_ERR_SUCCESS.rawValue {
                state.loopRunning = true
            } else if let waiter = state.connectWaiter {
                state.connectWaiter = nil
                state.transition(to: .idle)
                waiter.value.resume(
                    throwing: MQTTError.library(code: loopCode, message: MosquittoLibrary.errorMessage(loopCode)))
            }
        }
    }

    /// Runs on `blockingQueue`. Opens the connection and sends CONNECT; a failure comes with its sentence.
    func blockingConnect() -> (code: Int32, failure: String?) {
        do {
            return try connectProperties().withPropertyList { properties in
                let code = mosquitto_connect_bind_v5(
                    mosq, configuration.host, Int32(configuration.port), Int32(configuration.keepAlive), nil,
                    properties)
                return (code, code == MOSQ_ERR_SUCCESS.rawValue ? nil : MosquittoLibrary.errorMessage(code))
            }
        } catch {
            return (MOSQ_ERR_INVAL.rawValue, error.description)
        }
    }

    private func connectProperties() -> MQTTConnectProperties {
        MQTTConnectProperties(sessionExpiryInterval: configuration.sessionExpiryInterval)
    }

    /// Runs on `blockingQueue`. Ends the connection and joins libmosquitto's thread, which then stops reconnecting.
    /// Never called from a libmosquitto callback: joining its own thread would deadlock.
    func stopNetworkThread() {
        mosquitto_disconnect(mosq)
        let loop = state.withLock { state in
            defer {
                state.loopRunning = false
                state.networkLoop = nil
            }
            return state.networkLoop
        }
        // Writes the DISCONNECT queued above, then ends and is joined.
        loop?.stop()
    }

    /// Orderly shutdown: waits (bounded) for outstanding acknowledgements, then DISCONNECT, stops the network
    /// thread and fails whatever still waits. Subscription streams end only after the network thread has stopped,
    /// so a message the broker sends during the shutdown still reaches its consumer (libmosquitto has already
    /// acknowledged it).
    func disconnect(drainTimeout: Duration) async {
        let drainDeadline = ContinuousClock.now + drainTimeout
        while ContinuousClock.now < drainDeadline {
            let busy = state.withLock { $0.connection.isConnected && !$0.pending.isEmpty }
            if !busy { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard beginClosing() else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            blockingQueue.async {
                self.stopNetworkThread()
                continuation.resume()
            }
        }
        finishStreams()
    }

    /// The synchronous shutdown for a client dropped without `disconnect()`.
    func shutdownNow() {
        guard beginClosing() else { return }
        blockingQueue.sync { stopNetworkThread() }
        finishStreams()
    }

    /// Moves to `.closed` and fails every waiter; returns false if the client was closed already.
    private func beginClosing() -> Bool {
        state.withLock { state in
            guard state.connection != .closed else { return false }
            state.transition(to: .closed)
            if let waiter = state.connectWaiter {
                state.connectWaiter = nil
                waiter.value.resume(throwing: MQTTError.clientClosed)
            }
            state.failAll(with: .clientClosed)
            return true
        }
    }

    /// Ends every subscription and state stream, outside the lock: finishing a stream runs its termination
    /// handler, which takes the lock again.
    private func finishStreams() {
        let (subscriptions, observers) = state.withLock { state in
            defer {
                state.subscriptions.removeAll()
                state.observers.removeAll()
            }
            return (Array(state.subscriptions.values), Array(state.observers.values))
        }
        for subscription in subscriptions { subscription.continuation.finish() }
        for observer in observers { observer.finish() }
    }
}

/// The CONNECT packet's v5 properties.
struct MQTTConnectProperties {
    var sessionExpiryInterval: UInt32

    func withPropertyList<Result>(_ body: (OpaquePointer?) -> Result) throws(MQTTError) -> Result {
        var list: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&list) }
        if sessionExpiryInterval > 0 {
            let code = mosquitto_property_add_int32(
                &list, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), sessionExpiryInterval)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
            }
        }
        return body(list)
    }
}
