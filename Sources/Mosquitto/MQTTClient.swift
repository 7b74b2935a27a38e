import CMosquitto

/// An MQTT v5 client over libmosquitto, for Swift concurrency.
///
/// A network thread of its own (`NetworkLoop`) does the network work and reconnects with capped backoff;
/// subscriptions are restored after a reconnect. Calls made while the connection is down wait (up to `offlineWaitTimeout`) and
/// then fail; nothing is dropped silently. Call `disconnect()` when done; a client released without it is shut
/// down synchronously.
public final class MQTTClient: Sendable {
    let handle: MosquittoHandle

    public init(configuration: Configuration) throws(MQTTError) {
        handle = try MosquittoHandle(configuration: configuration)
    }

    deinit {
        handle.shutdownNow()
    }

    public var configuration: Configuration { handle.configuration }

    /// The connection's state now.
    public var state: MQTTConnectionState { handle.currentState }

    /// Connects and waits for the broker's CONNACK, at most `connectTimeout`.
    /// - Returns: whether the broker resumed a stored session.
    @discardableResult
    public func connect() async throws -> Bool {
        try await handle.connect()
    }

    /// Publishes a message. For QoS 1 and 2 it returns once the broker acknowledged, with its reason code
    /// (`noMatchingSubscribers` is a success); a refusal such as "not authorized" throws `publishRejected`.
    /// For QoS 0 it returns once the packet was handed to the network.
    @discardableResult
    public func publish(
        to topic: String,
        payload: [UInt8],
        qos: MQTTQoS = .atLeastOnce,
        retain: Bool = false,
        properties: MQTTPublishProperties = .none
    ) async throws -> MQTTPublishResult {
        try await handle.publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
    }

    /// Subscribes and returns once the broker granted the subscription. Called before the first `connect()`, it
    /// returns at once and the subscription is made while connecting, ahead of any message a resumed session
    /// holds; a refusal then is only logged.
    /// `buffering` bounds the messages waiting for the consumer (see `MQTTSubscription.droppedMessages`).
    public func subscribe(
        to filter: String, qos: MQTTQoS = .atLeastOnce, buffering: MQTTSubscription.Buffering = .unbounded
    ) async throws -> MQTTSubscription {
        try await subscribe(to: filter, options: MQTTSubscriptionOptions(qos: qos), buffering: buffering)
    }

    /// `subscribe(to:qos:buffering:)` with every subscription option; receivers of one filter share its options
    /// (see `MQTTSubscriptionOptions.retainAsPublished`).
    public func subscribe(
        to filter: String, options: MQTTSubscriptionOptions, buffering: MQTTSubscription.Buffering = .unbounded
    ) async throws -> MQTTSubscription {
        try await handle.subscribe(filter: filter, options: options, buffering: buffering)
    }

    /// Subscribes with `handler` called on the client's network thread for each message on `filter`, in order,
    /// instead of buffering the messages for an iteration. For a consumer that only hands each message over (parses
    /// it and puts the result where a task of its own takes it), this saves waking a task for every message: a
    /// broadcast's acknowledgements arrive by the thousand. `handler` must return quickly and never block, wait or
    /// log: the connection reads and writes nothing while it runs. The subscription returned yields no messages;
    /// its iteration ends when the subscription does, and ending the iteration unsubscribes, as with a buffered one.
    public func subscribe(
        to filter: String, options: MQTTSubscriptionOptions = MQTTSubscriptionOptions(),
        handler: @escaping MQTTMessageHandler
    ) async throws -> MQTTSubscription {
        try await handle.subscribe(filter: filter, options: options, handler: handler)
    }

    /// Ends every subscription of this client to `filter`.
    public func unsubscribe(from filter: String) async throws {
        try await handle.unsubscribe(filter: filter)
    }

    /// Waits (at most `drainTimeout`) for outstanding acknowledgements, sends DISCONNECT (so no Last Will is
    /// published) and stops the network thread. The client cannot be used afterwards.
    public func disconnect(drainTimeout: Duration = .seconds(5)) async {
        await handle.disconnect(drainTimeout: drainTimeout)
    }

    /// The current state, then every change, until the client is closed.
    public func stateChanges() -> AsyncStream<MQTTConnectionState> {
        handle.stateChanges()
    }

    /// Cuts the TCP connection without a DISCONNECT, as a crash or network loss would: the broker publishes the
    /// Last Will and the client reconnects. For fault injection (a simulated device's crash, tests).
    public func dropConnection() {
        handle.dropConnection()
    }
}
