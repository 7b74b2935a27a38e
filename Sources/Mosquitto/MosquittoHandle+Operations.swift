import CMosquitto
import Dispatch

extension MosquittoHandle {
    func publish(
        topic: String,
        payload: [UInt8],
        qos: MQTTQoS,
        retain: Bool,
        properties: MQTTPublishProperties
    ) async throws -> MQTTPublishResult {
        guard TopicFilter.isValidTopicName(topic) else { throw MQTTError.invalidTopic(topic) }
        guard payload.count <= Int(MQTT_MAX_PAYLOAD) else { throw MQTTError.payloadTooLarge(bytes: payload.count) }
        await limiter.acquire()
        defer { limiter.release() }
        try await waitForConnection()
        let reply = try await withCheckedThrowingContinuation { (continuation: Waiter) in
            var mid: Int32 = 0
            let code: Int32
            do {
                code = try properties.withPropertyList { list in
                    payload.withUnsafeBytes { bytes in
                        mosquitto_publish_v5(
                            mosq, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos.rawValue, retain, list)
                    }
                }
            } catch {
                continuation.resume(throwing: error)
                return
            }
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                continuation.resume(throwing: Self.operationError(code, topic: topic, payloadSize: payload.count))
                return
            }
            register(.publish(topic: topic, continuation), mid: mid)
            wakeNetworkLoop()
        }
        // Only a PUBACK (or the write of a QoS 0 message) resumes a publish with success, always as `.published`.
        guard case .published(let result) = reply else {
            throw MQTTError.library(code: MOSQ_ERR_PROTOCOL.rawValue, message: "acknowledgement of the wrong kind")
        }
        return result
    }

    /// Registers the stream first, so that retained messages the broker sends right after SUBACK are not missed.
    /// Before the first `connect()` it only registers: the SUBSCRIBE goes out as part of connecting.
    func subscribe(
        filter: String, options: MQTTSubscriptionOptions, buffering: MQTTSubscription.Buffering = .unbounded,
        handler: MQTTMessageHandler? = nil
    ) async throws -> MQTTSubscription {
        guard TopicFilter.isValidFilter(filter) else { throw MQTTError.invalidTopicFilter(filter) }
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTMessage.self, bufferingPolicy: buffering.policy)
        let dropped = DroppedMessages()
        // A SUBSCRIBE replaces the broker's options for the filter, so it carries those of every receiver on it.
        let (identifier, beforeConnect, filterOptions) = try state.withLock { state throws(MQTTError) in
            let (identifier, beforeConnect) = try state.addSubscription(
                filter: filter, options: options,
                receiver: MessageReceiver(
                    continuation: continuation, dropped: dropped, maximumPayloadSize: buffering.maximumPayloadSize,
                    handler: handler))
            return (identifier, beforeConnect, state.subscribedOptions(of: filter) ?? options)
        }
        // AsyncStream may run this while holding its own lock (task cancellation does); taking our lock here,
        // synchronously, deadlocked against a thread that held ours while yielding into the stream.
        continuation.onTermination = { [weak self] _ in
            guard let handle = self else { return }
            DispatchQueue.global().async { handle.removeSubscription(identifier) }
        }
        if beforeConnect { return MQTTSubscription(filter: filter, stream: stream, dropped: dropped) }
        do {
            try await waitForConnection()
            try await sendSubscribe(filter: filter, options: filterOptions)
        } catch {
            continuation.finish()
            throw error
        }
        return MQTTSubscription(filter: filter, stream: stream, dropped: dropped)
    }

    private func sendSubscribe(filter: String, options: MQTTSubscriptionOptions) async throws {
        _ = try await withCheckedThrowingContinuation { (continuation: Waiter) in
            var mid: Int32 = 0
            let code = mosquitto_subscribe_v5(mosq, &mid, filter, options.qos.rawValue, options.flags, nil)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                continuation.resume(throwing: Self.operationError(code, topic: filter, payloadSize: 0))
                return
            }
            register(.subscribe(filter: filter, continuation), mid: mid)
            wakeNetworkLoop()
        }
    }

    /// Ends every stream on `filter` and tells the broker, waiting for its UNSUBACK when connected.
    func unsubscribe(filter: String) async throws {
        let (receivers, connected) = state.withLock { $0.removeSubscriptions(filter: filter) }
        for receiver in receivers { receiver.finish() }
        guard connected else { return }
        _ = try await withCheckedThrowingContinuation { (continuation: Waiter) in
            var mid: Int32 = 0
            let code = mosquitto_unsubscribe_v5(mosq, &mid, filter, nil)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                continuation.resume(throwing: Self.operationError(code, topic: filter, payloadSize: 0))
                return
            }
            register(.unsubscribe(continuation), mid: mid)
            wakeNetworkLoop()
        }
    }

    /// A subscription stream ended (its consumer stopped or was cancelled): drop the broker's filter if unused.
    func removeSubscription(_ identifier: UInt64) {
        let unusedFilter = state.withLock { $0.removeSubscription(identifier) }
        guard let unusedFilter else { return }
        var mid: Int32 = 0
        if mosquitto_unsubscribe_v5(mosq, &mid, unusedFilter, nil) == MOSQ_ERR_SUCCESS.rawValue {
            register(.background(filter: unusedFilter), mid: mid)
            wakeNetworkLoop()
        }
    }

    static func operationError(_ code: Int32, topic: String, payloadSize: Int) -> MQTTError {
        switch code {
        case MOSQ_ERR_NO_CONN.rawValue: return .notConnected(waited: .zero)
        case MOSQ_ERR_PAYLOAD_SIZE.rawValue, MOSQ_ERR_OVERSIZE_PACKET.rawValue:
            return .payloadTooLarge(bytes: payloadSize)
        case MOSQ_ERR_INVAL.rawValue, MOSQ_ERR_MALFORMED_UTF8.rawValue: return .invalidTopic(topic)
        default: return .library(code: code, message: MosquittoLibrary.errorMessage(code))
        }
    }
}

extension MosquittoHandle {
    func stateChanges() -> AsyncStream<MQTTConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTConnectionState.self, bufferingPolicy: .bufferingNewest(64))
        let (identifier, action) = state.withLock { $0.addObserver(continuation) }
        if let identifier {
            // Not synchronously: see `subscribe`. Set before the first state is delivered, which may end the stream.
            continuation.onTermination = { [weak self] _ in
                guard let handle = self else { return }
                DispatchQueue.global().async {
                    handle.state.withLock { $0.removeObserver(identifier) }
                }
            }
        }
        perform(action)
        return stream
    }

    func dropConnection() {
        let socket = mosquitto_socket(mosq)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }
}
