import CMosquitto

// libmosquitto calls these on its own network thread. Each one copies what it needs out of the C structures
// (they are freed when the callback returns), takes the state lock briefly and returns; none of them blocks.
extension MosquittoHandle {
    func installCallbacks() {
        mosquitto_connect_v5_callback_set(mosq) { _, userdata, code, flags, _ in
            MosquittoHandle.from(userdata)?.didConnect(code: code, sessionPresent: flags & 1 == 1)
        }
        mosquitto_disconnect_v5_callback_set(mosq) { _, userdata, code, _ in
            MosquittoHandle.from(userdata)?.didDisconnect(code: code)
        }
        mosquitto_publish_v5_callback_set(mosq) { _, userdata, mid, reasonCode, _ in
            MosquittoHandle.from(userdata)?.acknowledge(mid: mid, .published(reasonCode: reasonCode))
        }
        mosquitto_subscribe_v5_callback_set(mosq) { _, userdata, mid, count, grantedQoS, _ in
            // One filter per SUBSCRIBE, so the first entry is the answer; 0x80 and above is a refusal.
            let code = count > 0 ? (grantedQoS?.pointee ?? 0x80) : 0x80
            MosquittoHandle.from(userdata)?.acknowledge(mid: mid, .subscribed(reasonCode: code))
        }
        mosquitto_unsubscribe_v5_callback_set(mosq) { _, userdata, mid, _ in
            MosquittoHandle.from(userdata)?.acknowledge(mid: mid, .unsubscribed)
        }
        mosquitto_message_v5_callback_set(mosq) { _, userdata, message, properties in
            guard let handle = MosquittoHandle.from(userdata), let message else { return }
            handle.deliver(MQTTMessage(copying: message.pointee, properties: properties))
        }
    }

    private static func from(_ userdata: UnsafeMutableRawPointer?) -> MosquittoHandle? {
        userdata.map { Unmanaged<MosquittoHandle>.fromOpaque($0).takeUnretainedValue() }
    }

    private func didConnect(code: Int32, sessionPresent: Bool) {
        let reason = MQTTReasonCode(code)
        // On success: the first connect()'s caller (nil on a reconnect), to answer once the filters are sent.
        typealias Connected = (waiter: CheckedContinuation<Bool, any Error>?, filters: [String: MQTTQoS])
        let connected = state.withLock { state -> Connected? in
            let waiter = state.connectWaiter
            state.connectWaiter = nil
            state.tlsErrors.removeAll()
            if let waiter, reason.isFailure {
                state.transition(to: .idle)
                // libmosquitto would retry a refused first connection for ever; the caller hears no instead.
                blockingQueue.async { self.stopNetworkThread() }
                waiter.value.resume(throwing: MQTTError.connectionRefused(reason))
                return nil
            }
            guard waiter != nil || state.connection != .closed else { return nil }
            if reason.isFailure {
                state.transition(to: .disconnected(reason: "reconnect refused: \(reason)"))
                return nil
            }
            state.lastConnected = .now
            // Every registered filter, every time. On the first connection that includes streams made before
            // connect(), so nothing a resumed session holds arrives without a receiver; on a reconnect it
            // includes a resumed session too, because mosquitto 2.0.11 (Debian 12's) restores a session from its
            // persistence file without its shared subscriptions, and says nothing. SUBSCRIBE is idempotent; the
            // cost is the retained messages, which are sent again.
            return (waiter?.value, state.subscribedFilters)
        }
        if let connected {
            // SUBSCRIBE goes out before anyone waiting to publish is released, so this client's own messages
            // cannot overtake its subscriptions on the wire.
            restore(connected.filters)
            state.withLock { state in
                if state.connection != .closed { state.transition(to: .connected(sessionPresent: sessionPresent)) }
            }
            connected.waiter?.resume(returning: sessionPresent)
        }
        if reason.isFailure {
            logger.error("MQTT connection refused", metadata: ["reason": "\(reason)"])
        } else {
            logger.info(
                "MQTT connected",
                metadata: [
                    "broker": "\(configuration.host):\(configuration.port)", "session_present": "\(sessionPresent)",
                ])
        }
    }

    /// Runs on the network thread, so no SUBACK can be handled before the mids are recorded.
    private func restore(_ filters: [String: MQTTQoS]) {
        for (filter, qos) in filters {
            var mid: Int32 = 0
            let code = mosquitto_subscribe_v5(mosq, &mid, filter, qos.rawValue, 0, nil)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                logger.error(
                    "could not restore a subscription",
                    metadata: ["filter": "\(filter)", "error": "\(MosquittoLibrary.errorMessage(code))"])
                continue
            }
            state.withLock { state in
                // A caller still waiting for its own SUBACK is answered by this one, which the broker will send.
                let waiting = state.pending.first { _, operation in
                    if case .subscribe(let pendingFilter, _) = operation.value { return pendingFilter == filter }
                    return false
                }
                let operation: PendingOperation
                if let (oldMid, waiter) = waiting {
                    state.pending[oldMid] = nil
                    operation = waiter.value
                } else {
                    operation = .background(filter: filter)
                }
                state.pending[UInt16(truncatingIfNeeded: mid)] = Deadline(
                    value: operation, deadline: .now + configuration.acknowledgementTimeout)
            }
        }
    }

    private func didDisconnect(code: Int32) {
        let reason = Self.describeDisconnect(code)
        let changed = state.withLock { state -> Bool in
            switch state.connection {
            case .connected:
                // 0x80 and above: the broker sent DISCONNECT (an account changed, a session taken over), after
                // which libmosquitto's thread ends for good instead of reconnecting.
                if code >= 0x80 {
                    state.networkLoop?.endAfterServerDisconnect()
                    scheduleNetworkThreadRestart(&state, reason: reason)
                    return false
                }
                state.transition(to: .disconnected(reason: reason))
                return true
            case .connecting:
                // Lost before CONNACK (e.g. a plain client on a TLS port, which the broker drops at once): the
                // caller hears it now rather than at the connect timeout, as with a refused CONNACK.
                guard let waiter = state.connectWaiter, code != MOSQ_ERR_SUCCESS.rawValue else { return false }
                state.connectWaiter = nil
                state.transition(to: .idle)
                blockingQueue.async { self.stopNetworkThread() }
                waiter.value.resume(throwing: lostBeforeCONNACK(reason, tlsErrors: state.tlsErrors))
                return false
            case .idle, .disconnected, .closed:
                return false
            }
        }
        if changed {
            logger.warning("MQTT connection lost; reconnecting", metadata: ["reason": "\(reason)"])
        }
    }

    /// A connection that ended before CONNACK; a plain client on a TLS port ends so, at once or on the first read.
    func lostBeforeCONNACK(_ reason: String, tlsErrors: [String]) -> MQTTError {
        if tlsErrors.contains(where: MosquittoHandle.isOpenSSLError) { return tlsFailure(from: tlsErrors) }
        let hint = configuration.tls == nil ? " (a TLS listener closes plain-text connections so)" : ""
        return .connectFailed(
            host: configuration.host, port: configuration.port, reason: "\(reason) before the broker answered\(hint)")
    }

    /// libmosquitto passes either its own error code or, when the broker sent DISCONNECT, a v5 reason code.
    private static func describeDisconnect(_ code: Int32) -> String {
        if code >= 0x80 { return MQTTReasonCode(code).description }
        if code == MOSQ_ERR_CONN_LOST.rawValue { return "the connection to the broker was lost" }
        return String(cString: mosquitto_strerror(code))
    }

    /// Yields outside the lock: a stream takes its own lock to accept a message, and must never wait for ours
    /// while we wait for it. Only this thread delivers, so messages keep their order.
    private func deliver(_ message: MQTTMessage) {
        let receivers = state.withLock { state in
            state.subscriptions.values
                .filter { TopicFilter.matches($0.filter, topic: message.topic) }
                .map(\.continuation)
        }
        for receiver in receivers { receiver.yield(message) }
    }
}

extension MQTTMessage {
    init(copying message: mosquitto_message, properties: OpaquePointer?) {
        let payload: [UInt8]
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        } else {
            payload = []
        }
        self.init(
            topic: message.topic.map { String(cString: $0) } ?? "",
            payload: payload,
            qos: MQTTQoS(rawValue: message.qos) ?? .atMostOnce,
            retain: message.retain,
            properties: MQTTPublishProperties(copying: properties))
    }
}
