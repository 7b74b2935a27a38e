/// Work the client does outside the state machine, after its lock is released, in the order given.
enum ClientEffect: Hashable, Sendable {
    /// Open the TCP connection and send CONNECT on the blocking queue, for connect attempt `attempt`.
    case openConnection(attempt: UInt64)
    /// The connection just opened belongs to an attempt that is over (timed out, closed): close it. Only answers an
    /// event reported from the blocking queue, and runs there.
    case closeAbandonedConnection
    /// Start the network loop on the connection just opened and report how that went. Only answers an event
    /// reported from the blocking queue, and runs there.
    case startNetworkLoop
    /// Queue the end of the connection and the join of the network loop on the blocking queue.
    case stopNetworkThread
    /// The broker sent DISCONNECT: the network loop ends instead of reconnecting.
    case endNetworkLoopAfterServerDisconnect
    /// Start the network loop again after `afterSeconds`, on the blocking queue.
    case restartNetworkThread(afterSeconds: UInt32, reason: String)
    /// The connection was lost; the network loop reconnects by itself.
    case logConnectionLost(reason: String)
    case logRefusedSubscription(filter: String, reason: MQTTReasonCode)
}

/// What an observer of the connection state is to be told, in order.
enum ObserverEvent<Observer> {
    case yield(MQTTConnectionState, to: [Observer])
    case finish([Observer])
}

/// What the client does after an event, once the lock is released: the effects first (so a stop queued for the
/// network thread precedes anything a resumed caller may do next), then the observers, then the waiters.
struct ClientAction<Waiter, Observer> {
    var effects: [ClientEffect] = []
    /// Observer events this caller delivers, and then those queued meanwhile (`ClientStateMachine.nextObserverEvents`);
    /// nil when nothing is queued or another caller is delivering them.
    var observerEvents: [ObserverEvent<Observer>]?
    var resumptions: [(waiter: Waiter, result: Result<Reply, MQTTError>)] = []

    var isEmpty: Bool { effects.isEmpty && observerEvents == nil && resumptions.isEmpty }
}

extension ObserverEvent: Equatable where Observer: Equatable {}
extension ObserverEvent: Sendable where Observer: Sendable {}
extension ClientAction: Sendable where Waiter: Sendable, Observer: Sendable {}
