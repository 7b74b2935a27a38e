import Synchronization

extension MQTTClient {
    /// What the broker retains on the topics matching `filter`, by topic, read without publishing anything there.
    ///
    /// The broker sends a new subscription every retained message that matches at once, then only live ones; MQTT
    /// has no "that was all". So after subscribing this publishes an empty message to `markerTopic`, which it reads
    /// too: the broker handles one client's packets in order and sends a client its messages in the order it
    /// queued them, so the marker arrives after the last retained message. `markerTopic` must be one this client
    /// may publish and read and nobody else uses (a fresh one per call), and `filter` one it has no other
    /// subscription to; both subscriptions end before this returns.
    ///
    /// Read at QoS 0, so the broker queues no acknowledgements: a broker that drops some when its queue for this
    /// client is full (`max_queued_messages`) makes the answer miss those topics, never invent one.
    /// - Returns: nil when the broker refused either subscription or the marker, or the marker was not back within
    ///   `timeout` (a broker whose access rules let the client publish the marker but not read it, or a connection
    ///   lost with the marker). A connection lost and back before the marker came can only make the answer miss
    ///   topics, or hold what the broker retained a moment earlier.
    public func retainedMessages(under filter: String, markerTopic: String, timeout: Duration) async
        -> [String: [UInt8]]?
    {
        let collector = RetainedMessageCollector()
        let answer: [String: [UInt8]]?
        do {
            // Kept until the answer is in: a subscription dropped unread ends itself.
            let marker = try await subscribe(
                to: markerTopic, options: MQTTSubscriptionOptions(qos: .atLeastOnce), handler: collector.takeMarker)
            let retained = try await subscribe(
                to: filter, options: MQTTSubscriptionOptions(qos: .atMostOnce), handler: collector.takeRetained)
            defer { withExtendedLifetime((marker, retained)) {} }
            try await publish(to: markerTopic, payload: [], qos: .atLeastOnce)
            answer = await collector.messages(within: timeout)
        } catch {
            answer = nil
        }
        try? await unsubscribe(from: filter)
        try? await unsubscribe(from: markerTopic)
        return answer
    }
}

/// The retained messages a subscription brought, until the marker came. Its handlers run on the network thread:
/// they only take the lock and, for the marker, yield to a stream.
final class RetainedMessageCollector: Sendable {
    private struct State {
        var messages: [String: [UInt8]] = [:]
        var complete = false
    }

    private let state = Mutex(State())
    private let marker: AsyncStream<Void>
    private let markerArrived: AsyncStream<Void>.Continuation

    init() {
        (marker, markerArrived) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A live message has its retain flag cleared (the subscription does not ask for it as published): only the
    /// ones the broker held count.
    func takeRetained(_ message: MQTTMessage) {
        guard message.retain else { return }
        state.withLock { state in
            guard !state.complete else { return }
            state.messages[message.topic] = message.payload
        }
    }

    func takeMarker(_ message: MQTTMessage) {
        state.withLock { $0.complete = true }
        markerArrived.yield()
    }

    /// Every retained message, once the marker came within `timeout`; nil otherwise.
    func messages(within timeout: Duration) async -> [String: [UInt8]]? {
        let arrived = await MQTTClient.within(timeout) { [marker] in
            for await _ in marker { return true }
            return false
        }
        guard arrived else { return nil }
        return state.withLock { $0.messages }
    }
}
