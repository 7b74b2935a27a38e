import CMosquitto
import Dispatch

// libmosquitto 2.0's network thread gives up for good after a TLS error on its side of the connection: a handshake
// that fails, or a TLS connection that ends without a TLS goodbye (a broker killed with SIGKILL). It reports the
// connection lost, or nothing at all, and never reconnects. Without the handling here the first such error would
// leave a TLS client disconnected until its process restarts.
extension MosquittoHandle {
    /// Called by the sweeper with the lock held: the error lines come from the log callback, so this notices them.
    func handleTLSFailure(_ state: inout ClientState) {
        guard state.loopRunning, state.tlsErrors.contains(where: Self.isOpenSSLError) else { return }
        switch state.connection {
        case .connecting:
            // The first connection's handshake failed on the network thread; the caller hears why now.
            guard let waiter = state.connectWaiter else { return }
            state.connectWaiter = nil
            state.transition(to: .idle)
            blockingQueue.async { self.stopNetworkThread() }
            waiter.value.resume(throwing: tlsFailure(from: state.tlsErrors))
        case .disconnected:
            guard !state.tlsRestartScheduled else { return }
            // Not necessarily a handshake: the lines may tell of a connection that broke.
            let failure = tlsFailure(from: state.tlsErrors)
            if case .tlsHandshakeFailed(_, _, let reason) = failure {
                scheduleNetworkThreadRestart(&state, reason: "TLS error: \(reason)")
            } else {
                scheduleNetworkThreadRestart(&state, reason: failure.description)
            }
        case .idle, .connected, .closed:
            return
        }
    }

    /// With the lock held: says why the client is disconnected and queues a restart after the reconnect delay.
    private func scheduleNetworkThreadRestart(_ state: inout ClientState, reason: String) {
        state.transition(to: .disconnected(reason: reason))
        state.tlsErrors.removeAll()
        state.tlsRestartScheduled = true
        let delay = reconnectDelay(afterRestarts: state.tlsRestarts)
        state.tlsRestarts += 1
        logger.error(
            "MQTT TLS connection failed; reconnecting",
            metadata: ["reason": "\(reason)", "retry_in_seconds": "\(delay)"])
        blockingQueue.asyncAfter(deadline: .now() + .seconds(Int(delay))) { self.restartNetworkThread() }
    }

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
            state.tlsRestartScheduled = false
            if case .disconnected = state.connection { return true }
            return false
        }
        guard stillDisconnected else { return }
        stopNetworkThread()
        let (code, failure) = blockingConnect()
        let loopCode = code == MOSQ_ERR_SUCCESS.rawValue ? mosquitto_loop_start(mosq) : code
        state.withLock { state in
            if loopCode == MOSQ_ERR_SUCCESS.rawValue {
                state.loopRunning = true
                return
            }
            guard case .disconnected = state.connection, !state.tlsRestartScheduled else { return }
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
