import CMosquitto

// The network loop reconnects after a lost connection, but ends for good in two cases, as libmosquitto's own loop
// does: when the broker sends DISCONNECT (Hookcast's broker plugin does so to a device whose password changes or
// whose account goes; a session taken over), and after a TLS error (libmosquitto 2.0 gives up on a handshake that
// fails, or a TLS connection that ends without a TLS goodbye, as from a broker killed with SIGKILL, and reports
// the connection lost or nothing at all). This client promises to reconnect until it is closed, so in both cases it
// starts the loop again itself, with libmosquitto's backoff.
extension ClientStateMachine {
    /// A connection that lasted this long resets the backoff between restarts.
    static var stableConnection: Duration { .seconds(60) }

    /// Says why the client is disconnected and schedules a restart after the reconnect delay, unless one is queued.
    mutating func scheduleRestart(reason: String, now: ContinuousClock.Instant) {
        transition(to: .disconnected(reason: reason))
        guard !restartScheduled else { return }
        restartScheduled = true
        // A connection that lasted resets the backoff. One ended soon after it was made does not: two clients with
        // one client id take the session from each other, and each comeback would otherwise be a second later, for
        // ever.
        if let lastConnected, now - lastConnected > Self.stableConnection {
            consecutiveRestarts = 0
        }
        let delay = reconnectDelay(afterRestarts: consecutiveRestarts)
        consecutiveRestarts += 1
        effect(.restartNetworkThread(afterSeconds: delay, reason: reason))
    }

    /// The same capped doubling libmosquitto uses between its own reconnects.
    func reconnectDelay(afterRestarts restarts: Int) -> UInt32 {
        let range = configuration.reconnectDelay
        let doubled = UInt64(range.lowerBound) << UInt64(min(restarts, 16))
        return UInt32(min(doubled, UInt64(range.upperBound)))
    }

    /// A scheduled restart is due; returns whether it should still happen (the client is still disconnected).
    mutating func restartDue() -> Bool {
        restartScheduled = false
        if case .disconnected = connection { return true }
        return false
    }

    /// The restart's connect and loop start ended with `loopCode`; `failure` says why when it failed, and
    /// `tlsFailed` whether libmosquitto blamed TLS.
    mutating func restartFinished(
        loopCode: Int32, tlsFailed: Bool, failure: String, now: ContinuousClock.Instant
    ) -> Action {
        if loopCode == MOSQ_ERR_SUCCESS.rawValue {
            loopRunning = true
            return takeAction()
        }
        guard case .disconnected = connection, !restartScheduled else { return takeAction() }
        let error =
            tlsFailed
            ? configuration.tlsFailure(from: tlsErrors)
            : MQTTError.connectFailed(host: configuration.host, port: configuration.port, reason: failure)
        scheduleRestart(reason: error.description, now: now)
        return takeAction()
    }

    /// Called by the sweeper: the error lines come from the log callback, so this is where a TLS failure the
    /// network loop gave up on is noticed.
    mutating func handleTLSFailure(now: ContinuousClock.Instant) {
        guard loopRunning, tlsErrors.contains(where: MQTTClient.Configuration.isOpenSSLError) else { return }
        switch connection {
        case .connecting:
            // The first connection's handshake failed on the network thread; the caller hears why now.
            guard let waiter = connectWaiter else { return }
            connectWaiter = nil
            transition(to: .idle)
            effect(.stopNetworkThread)
            resume(waiter.value, throwing: configuration.tlsFailure(from: tlsErrors))
        case .disconnected:
            guard !restartScheduled else { return }
            // Not necessarily a handshake: the lines may tell of a connection that broke.
            let failure = configuration.tlsFailure(from: tlsErrors)
            tlsErrors.removeAll()
            if case .tlsHandshakeFailed(_, _, let reason) = failure {
                scheduleRestart(reason: "TLS error: \(reason)", now: now)
            } else {
                scheduleRestart(reason: failure.description, now: now)
            }
        case .idle, .connected, .closed:
            return
        }
    }
}
