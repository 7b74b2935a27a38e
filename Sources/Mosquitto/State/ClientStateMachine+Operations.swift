extension ClientStateMachine {
    // MARK: Acknowledgements

    /// Records an operation the broker will acknowledge under `mid`, unless the acknowledgement already came.
    mutating func register(_ operation: PendingOperation<Waiter>, mid: Int32, now: ContinuousClock.Instant) -> Action {
        let packetID = UInt16(truncatingIfNeeded: mid)
        if connection == .closed {
            if let waiter = operation.waiter { resume(waiter, throwing: .clientClosed) }
        } else if let (acknowledgement, _) = earlyAcknowledgements.removeValue(forKey: packetID) {
            complete(operation, with: acknowledgement)
        } else {
            pending[packetID] = Deadline(value: operation, deadline: now + configuration.acknowledgementTimeout)
        }
        return takeAction()
    }

    /// The broker acknowledged `mid` (PUBACK, SUBACK, UNSUBACK; QoS 0 once written).
    mutating func acknowledge(
        mid: Int32, _ acknowledgement: BrokerAcknowledgement, now: ContinuousClock.Instant
    ) -> Action {
        let packetID = UInt16(truncatingIfNeeded: mid)
        if let operation = pending.removeValue(forKey: packetID) {
            complete(operation.value, with: acknowledgement)
        } else {
            earlyAcknowledgements[packetID] = (acknowledgement, now)
        }
        return takeAction()
    }

    private mutating func complete(_ operation: PendingOperation<Waiter>, with acknowledgement: BrokerAcknowledgement) {
        switch operation.completion(with: acknowledgement) {
        case .resume(let waiter, .success(let reply)): resume(waiter, returning: reply)
        case .resume(let waiter, .failure(let error)): resume(waiter, throwing: error)
        case .backgroundRefused(let filter, let reason): effect(.logRefusedSubscription(filter: filter, reason: reason))
        case .nothing: break
        }
    }

    // MARK: Subscriptions

    /// The distinct filters the broker should hold for us, each with the options its receivers asked for merged.
    var subscribedFilters: [String: MQTTSubscriptionOptions] {
        subscriptions.values.reduce(into: [:]) { filters, entry in
            filters[entry.filter] = filters[entry.filter].map { $0.merged(with: entry.options) } ?? entry.options
        }
    }

    /// The merged options of `filter`'s receivers; nil when it has none.
    func subscribedOptions(of filter: String) -> MQTTSubscriptionOptions? {
        subscriptions.values.reduce(nil) { merged, entry in
            entry.filter == filter ? merged.map { $0.merged(with: entry.options) } ?? entry.options : merged
        }
    }

    /// Registers a receiver of messages on `filter`; `beforeConnect` when the SUBSCRIBE goes out as part of
    /// connecting rather than now.
    mutating func addSubscription(
        filter: String, options: MQTTSubscriptionOptions, receiver: Receiver
    ) throws(MQTTError) -> (identifier: UInt64, beforeConnect: Bool) {
        guard connection != .closed else { throw .clientClosed }
        let identifier = makeIdentifier()
        subscriptions[identifier] = Subscription(filter: filter, options: options, receiver: receiver)
        return (identifier, connection == .idle)
    }

    /// Forgets every receiver on `filter`, for the caller to finish; `connected` when the broker is to be told.
    mutating func removeSubscriptions(filter: String) -> (receivers: [Receiver], connected: Bool) {
        let removed = subscriptions.filter { $0.value.filter == filter }
        for identifier in removed.keys { subscriptions[identifier] = nil }
        return (removed.values.map(\.receiver), connection.isConnected)
    }

    /// A receiver went away; returns its filter when nothing else uses it and the broker should drop it now.
    mutating func removeSubscription(_ identifier: UInt64) -> String? {
        guard let entry = subscriptions.removeValue(forKey: identifier) else { return nil }
        let stillUsed = subscriptions.values.contains { $0.filter == entry.filter }
        return stillUsed || !connection.isConnected ? nil : entry.filter
    }

    /// Who receives a message on `topic`.
    func receivers(forTopic topic: String) -> [Receiver] {
        var receivers: [Receiver] = []
        for subscription in subscriptions.values
        where TopicFilter.matchesWithoutSharePrefix(subscription.matchFilter, topic: topic) {
            receivers.append(subscription.receiver)
        }
        return receivers
    }
}
