import CMosquitto
import Dispatch

// libmosquitto's network thread reconnects after a lost connection, but ends for good in two cases: when the
// broker sends DISCONNECT (the dynamic-security plugin does so to every client whose account changes; a session
// taken over), and after a TLS error on its side (see MosquittoHandle+TLSFailures). This client promises to
// reconnect until it is closed, so in both cases it starts the thread again itself, with libmosquitto's backoff.
extension MosquittoHandle {
    /// With the lock held: says why the client is disconnected and queues a restart after the reconnect delay.
    func scheduleNetworkThreadRestart(_ state: inout ClientState, reason: String) {
        state.transition(to: .disconnected(reason: reason))
        guard !state.restartScheduled else { return }
        state.restartScheduled = true
        // A connection that lasted resets the backoff. One ended soon after it was made does not: two clients
        // with one client id take the session from each other, and each comeback would otherwise be a second
        // later, for ever.
        if let connected = state.lastConnected, .now - connected > Self.stableConnection {
            state.consecutiveRestarts = 0
        }
        let delay = reconnectDelay(afterRestarts: state.consecutiveRestarts)
        state.consecutiveRestarts += 1
        logger.warning(
            "MQTT connection ended; reconnecting",
            metadata: ["reason": "\(reason)", "retry_in_seconds": "\(delay)"])
        blockingQueue.asyncAfter(deadline: .now() + .seconds(Int(delay))) { self.restartNetworkThread() }
    }

    static let stableConnection = Duration.seconds(60)

    /// The same capped doubling libmosquitto uses between its own reconnects.
    private func reconnectDelay(afterRestarts restarts: Int) -> UInt32 {
        let range = configuration.reconnectDelay
        let doubled = UInt64(range.lowerBound) << UInt64(min(restarts, 16))
        return UInt32(min(doubled, UInt64(range.upperBound)))
    }

    /// Runs on `blockingQueue`, so it never overlaps a connect or a shutdown. Joins the thread that gave up and
    /// connects again the way the first `connect()` did; libmosquitto's thread then takes over again.
    private func restartNetworkThread() {
        let stillDisconnected = state.withLock { state -> Bool in
            state.restartScheduled = false
            if case .disconnected = state.connection { return true }
            return false
        }
        guard stillDisconnected else { return }
        stopNetworkThread()
        let (code, failure) = blockingConnect()
        let loopCode = code == MOSQ_ERR_SUCCESS.rawValue ? startNetworkLoop() : code
        state.withLock { state in
            if loopCode == MOSQ_ERR_SUCCESS.rawValue {
                state.loopRunning = true
                return
            }
            guard case .disconnected = state.connection, !state.restartScheduled else { return }
            let error =
                code == MOSQ_ERR_TLS.rawValue
                ? tlsFailure(from: state.tlsErrors)
                : MQTTError.connectFailed(
                    host: configuration.host, port: configuration.port,
                    reason: failure ?? MosquittoLibrary.errorMessage(loopCode))
            scheduleNetworkThreadRestart(&state, reason: error.description)
        }
    }
}
