import CMosquitto
import Dispatch

extension MosquittoHandle {
    /// Connects and waits for the broker's CONNACK. Returns whether the broker resumed a stored session.
    func connect() async throws -> Bool {
        let reply = try await withCheckedThrowingContinuation { (continuation: Waiter) in
            perform(state.withLock { $0.connect(continuation, now: .now) })
            startSweeperIfNeeded()
        }
        // The connect() caller is only ever answered with `.connected` (see `subscriptionsRestored`).
        guard case .connected(let sessionPresent) = reply else { return false }
        return sessionPresent
    }

    /// Runs on `blockingQueue`: name look-up and TCP connect block, so they never run on the concurrency pool.
    func performBlockingConnect(attempt: UInt64) {
        let (code, failure) = blockingConnect()
        perform(state.withLock { $0.connectionOpened(attempt: attempt, code: code, failure: failure ?? "") })
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

    /// Runs on `blockingQueue`. Ends the connection and joins the network thread, which then stops reconnecting.
    /// Never called from a libmosquitto callback: joining its own thread would deadlock.
    func stopNetworkThread() {
        mosquitto_disconnect(mosq)
        state.withLock { $0.networkLoopStopped() }
        let loop = networkLoop.withLock { loop in
            defer { loop = nil }
            return loop
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
            if !state.withLock({ $0.awaitsAcknowledgements }) { break }
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
        guard let action = state.withLock({ $0.close() }) else { return false }
        perform(action)
        return true
    }

    /// Ends every subscription and state stream, outside the lock: finishing a stream runs its termination
    /// handler, which takes the lock again.
    private func finishStreams() {
        let (receivers, action) = state.withLock { $0.takeStreams() }
        for receiver in receivers { receiver.finish() }
        perform(action)
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
