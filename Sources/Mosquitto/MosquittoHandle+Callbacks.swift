import CMosquitto

// libmosquitto calls these on the network thread (NetworkLoop), from inside its read, write and misc calls. Each one
// copies what it needs out of the C structures (they are freed when the callback returns), takes the state lock
// briefly, acts on the decision after releasing it, and returns; none of them blocks.
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
        switch state.withLock({ $0.connackReceived(reason: reason, now: .now) }) {
        case .done(let action):
            perform(action)
        case .restore(let filters, let waiter):
            // SUBSCRIBE goes out before anyone waiting to publish is released, so this client's own messages
            // cannot overtake its subscriptions on the wire.
            restore(filters)
            perform(state.withLock { $0.subscriptionsRestored(sessionPresent: sessionPresent, waiter: waiter) })
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
    private func restore(_ filters: [String: MQTTSubscriptionOptions]) {
        for (filter, options) in filters {
            var mid: Int32 = 0
            let code = mosquitto_subscribe_v5(mosq, &mid, filter, options.qos.rawValue, options.flags, nil)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                logger.error(
                    "could not restore a subscription",
                    metadata: ["filter": "\(filter)", "error": "\(MosquittoLibrary.errorMessage(code))"])
                continue
            }
            state.withLock { $0.subscriptionRestored(filter: filter, mid: mid, now: .now) }
        }
    }

    private func didDisconnect(code: Int32) {
        let reason = Self.describeDisconnect(code)
        perform(state.withLock { $0.connectionEnded(code: code, reason: reason, now: .now) })
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
        let receivers = state.withLock { $0.receivers(forTopic: message.topic) }
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
