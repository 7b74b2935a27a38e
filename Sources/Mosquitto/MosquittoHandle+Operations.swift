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
        return try await withCheckedThrowingContinuation { continuation in
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
    }

    /// Registers the stream first, so that retained messages the broker sends right after SUBACK are not missed.
    /// Before the first `connect()` it only registers: the SUBSCRIBE goes out as part of connecting.
    func subscribe(filter: String, qos: MQTTQoS) async throws -> MQTTSubscription {
        guard TopicFilter.isValidFilter(filter) else { throw MQTTError.invalidTopicFilter(filter) }
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .unbounded)
        let (identifier, beforeConnect) = try state.withLock { state throws(MQTTError) -> (UInt64, Bool) in
            guard state.connection != .closed else { throw .clientClosed }
            let identifier = state.makeIdentifier()
            state.subscriptions[identifier] = SubscriptionEntry(filter: filter, qos: qos, continuation: continuation)
            return (identifier, state.connection == .idle)
        }
        // AsyncStream may run this while holding its own lock (task cancellation does); taking our lock here,
        // synchronously, deadlocked against a thread that held ours while yielding into the stream.
        continuation.onTermination = { [weak self] _ in
            guard let handle = self else { return }
            DispatchQueue.global().async { handle.removeSubscription(identifier) }
        }
        if beforeConnect { return MQTTSubscription(filter: filter, stream: stream) }
        do {
            try await waitForConnection()
            try await sendSubscribe(filter: filter, qos: qos)
        } catch {
            continuation.finish()
            throw error
        }
        return MQTTSubscription(filter: filter, stream: stream)
    }

    private func sendSubscribe(filter: String, qos: MQTTQoS) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            var mid: Int32 = 0
            let code = mosquitto_subscribe_v5(mosq, &mid, filter, qos.rawValue, 0, nil)
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
        let (entries, connected) = state.withLock { state in
            let entries = state.subscriptions.filter { $0.value.filter == filter }
            for identifier in entries.keys { state.subscriptions[identifier] = nil }
            return (Array(entries.values), state.connection.isConnected)
        }
        for entry in entries { entry.continuation.finish() }
        guard connected else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
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
        let unusedFilter = state.withLock { state -> String? in
            guard let entry = state.subscriptions.removeValue(forKey: identifier) else { return nil }
            let stillUsed = state.subscriptions.values.contains { $0.filter == entry.filter }
            return stillUsed || !state.connection.isConnected ? nil : entry.filter
        }
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
        let identifier = state.withLock { state -> UInt64? in
            continuation.yield(state.connection)
            guard state.connection != .closed else { return nil }
            let identifier = state.makeIdentifier()
            state.observers[identifier] = continuation
            return identifier
        }
        guard let identifier else {
            continuation.finish()
            return stream
        }
        // Not synchronously: see `subscribe`.
        continuation.onTermination = { [weak self] _ in
            guard let handle = self else { return }
            DispatchQueue.global().async {
                _ = handle.state.withLock { $0.observers.removeValue(forKey: identifier) }
            }
        }
        return stream
    }

    func dropConnection() {
        let socket = mosquitto_socket(mosq)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }
}
