import CMosquitto

extension ClientStateMachine {
    /// `connect()` was called; `waiter` hears the broker's CONNACK or why there was none.
    mutating func connect(_ waiter: Waiter, now: ContinuousClock.Instant) -> Action {
        switch connection {
        case .idle:
            connectAttempt += 1
            tlsErrors.removeAll()
            connectWaiter = Deadline(value: waiter, deadline: now + configuration.connectTimeout)
            transition(to: .connecting)
            effect(.openConnection(attempt: connectAttempt))
        case .closed:
            resume(waiter, throwing: .clientClosed)
        case .connecting, .connected, .disconnected:
            resume(waiter, throwing: .alreadyConnected)
        }
        return takeAction()
    }

    /// The blocking connect of `attempt` returned `code`; `failure` is its sentence when it failed.
    mutating func connectionOpened(attempt: UInt64, code: Int32, failure: String) -> Action {
        let opened = code == MOSQ_ERR_SUCCESS.rawValue
        guard connectAttempt == attempt, let waiter = connectWaiter else {
            // The attempt timed out or the client closed while the TCP connect was still under way.
            if opened { effect(.closeAbandonedConnection) }
            return takeAction()
        }
        guard opened else {
            connectWaiter = nil
            transition(to: .idle)
            let error: MQTTError
            switch code {
            case MOSQ_ERR_TLS.rawValue: error = configuration.tlsFailure(from: tlsErrors)
            case MOSQ_ERR_CONN_LOST.rawValue:
                error = configuration.lostBeforeCONNACK("the connection to the broker was lost", tlsErrors: tlsErrors)
            default: error = .connectFailed(host: configuration.host, port: configuration.port, reason: failure)
            }
            resume(waiter.value, throwing: error)
            return takeAction()
        }
        effect(.startNetworkLoop)
        return takeAction()
    }

    /// The first connection's network loop started, or could not (`code`).
    mutating func networkLoopStarted(code: Int32) -> Action {
        if code == MOSQ_ERR_SUCCESS.rawValue {
            loopRunning = true
        } else if let waiter = connectWaiter {
            connectWaiter = nil
            transition(to: .idle)
            resume(waiter.value, throwing: .library(code: code, message: MosquittoLibrary.errorMessage(code)))
        }
        return takeAction()
    }

    mutating func networkLoopStopped() {
        loopRunning = false
    }

    /// What a CONNACK leads to: restoring the subscriptions first (on the network thread, before anyone waiting
    /// to publish is released), or only the action.
    enum ConnackOutcome {
        /// Send SUBSCRIBE for `filters` (reporting each with `subscriptionRestored`), then report
        /// `subscriptionsRestored` with `waiter`: the first connect()'s caller, nil on a reconnect.
        case restore(filters: [String: MQTTSubscriptionOptions], waiter: Waiter?)
        case done(Action)
    }

    mutating func connackReceived(reason: MQTTReasonCode, now: ContinuousClock.Instant) -> ConnackOutcome {
        let waiter = connectWaiter
        connectWaiter = nil
        tlsErrors.removeAll()
        if let waiter, reason.isFailure {
            transition(to: .idle)
            // The network loop would retry a refused first connection for ever; the caller hears no instead.
            effect(.stopNetworkThread)
            resume(waiter.value, throwing: .connectionRefused(reason))
            return .done(takeAction())
        }
        guard waiter != nil || connection != .closed else { return .done(takeAction()) }
        if reason.isFailure {
            transition(to: .disconnected(reason: "reconnect refused: \(reason)"))
            return .done(takeAction())
        }
        lastConnected = now
        // Every registered filter, every time. On the first connection that includes streams made before
        // connect(), so nothing a resumed session holds arrives without a receiver; on a reconnect it includes a
        // resumed session too, because mosquitto 2.0.11 (Debian 12's) restores a session from its persistence file
        // without its shared subscriptions, and says nothing. SUBSCRIBE is idempotent; the cost is the retained
        // messages, which are sent again.
        return .restore(filters: subscribedFilters, waiter: waiter?.value)
    }

    /// A restoring SUBSCRIBE for `filter` went out under `mid`. A caller still waiting for its own SUBACK on that
    /// filter is answered by this one, which the broker will send.
    mutating func subscriptionRestored(filter: String, mid: Int32, now: ContinuousClock.Instant) {
        let waiting = pending.first { _, operation in
            if case .subscribe(let pendingFilter, _) = operation.value { return pendingFilter == filter }
            return false
        }
        let operation: PendingOperation<Waiter>
        if let (oldMid, waiter) = waiting {
            pending[oldMid] = nil
            operation = waiter.value
        } else {
            operation = .background(filter: filter)
        }
        pending[UInt16(truncatingIfNeeded: mid)] = Deadline(
            value: operation, deadline: now + configuration.acknowledgementTimeout)
    }

    /// The subscriptions are sent again: now the client is connected, and the first connect()'s `waiter` hears so.
    mutating func subscriptionsRestored(sessionPresent: Bool, waiter: Waiter?) -> Action {
        if connection != .closed { transition(to: .connected(sessionPresent: sessionPresent)) }
        if let waiter { resume(waiter, returning: .connected(sessionPresent: sessionPresent)) }
        return takeAction()
    }

    /// libmosquitto reported the connection ended with `code`, described as `reason`.
    mutating func connectionEnded(code: Int32, reason: String, now: ContinuousClock.Instant) -> Action {
        switch connection {
        case .connected:
            // 0x80 and above: the broker sent DISCONNECT (an account changed, a session taken over), after which
            // the network loop ends for good instead of reconnecting.
            if code >= 0x80 {
                effect(.endNetworkLoopAfterServerDisconnect)
                scheduleRestart(reason: reason, now: now)
            } else {
                transition(to: .disconnected(reason: reason))
                effect(.logConnectionLost(reason: reason))
            }
        case .connecting:
            // Lost before CONNACK (e.g. a plain client on a TLS port, which the broker drops at once): the caller
            // hears it now rather than at the connect timeout, as with a refused CONNACK.
            guard let waiter = connectWaiter, code != MOSQ_ERR_SUCCESS.rawValue else { break }
            connectWaiter = nil
            transition(to: .idle)
            effect(.stopNetworkThread)
            resume(waiter.value, throwing: configuration.lostBeforeCONNACK(reason, tlsErrors: tlsErrors))
        case .idle, .disconnected, .closed:
            break
        }
        return takeAction()
    }

    /// An error line libmosquitto logged (TLS clients only). Also while connected: a connection that breaks logs
    /// OpenSSL's reason before libmosquitto reports it lost. Cleared on every successful connection.
    mutating func recordTLSError(_ line: String) {
        guard connection != .closed else { return }
        // A handful is all a message needs; a flapping connection must not grow the list without end.
        if tlsErrors.count < 8 { tlsErrors.append(line) }
    }
}

extension ClientStateMachine.ConnackOutcome: Sendable where Waiter: Sendable, Observer: Sendable {}
