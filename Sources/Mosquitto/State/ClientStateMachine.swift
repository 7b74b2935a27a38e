/// All state of one client and every decision about it, without I/O: each event returns a `ClientAction`, which
/// the client carries out after releasing the lock this lives in. No continuation is resumed and no stream yielded
/// to here, so none is while the lock is held.
///
/// Generic over what waits (`Waiter`), what observes the connection state (`Observer`) and what receives messages
/// (`Receiver`): the client uses continuations, the unit tests plain values they can compare.
struct ClientStateMachine<Waiter, Observer, Receiver> {
    typealias Action = ClientAction<Waiter, Observer>

    struct Subscription {
        let filter: String
        var options: MQTTSubscriptionOptions
        var receiver: Receiver
        /// What topics are matched against: `filter` without a `$share/{group}/` prefix, worked out once rather
        /// than for every message (a gateway reads one acknowledgement per device per command).
        let matchFilter: String

        init(filter: String, options: MQTTSubscriptionOptions, receiver: Receiver) {
            self.filter = filter
            self.options = options
            self.receiver = receiver
            matchFilter = TopicFilter.withoutSharePrefix(filter)
        }
    }

    let configuration: MQTTClient.Configuration
    private(set) var connection: MQTTConnectionState = .idle
    /// Bumped on every `connect()` so a late result from an abandoned attempt is recognised and ignored.
    var connectAttempt: UInt64 = 0
    var connectWaiter: Deadline<Waiter>?
    /// The network loop runs (set once it started, cleared once it was stopped).
    var loopRunning = false
    var sweeperRunning = false
    var pending: [UInt16: Deadline<PendingOperation<Waiter>>] = [:]
    /// Acknowledgements that arrived before the caller recorded their mid (libmosquitto can be that fast).
    var earlyAcknowledgements: [UInt16: (BrokerAcknowledgement, ContinuousClock.Instant)] = [:]
    /// libmosquitto's error log lines since the last successful connection (TLS clients only): the reason for a
    /// TLS failure, which no return code carries.
    var tlsErrors: [String] = []
    /// A restart of the network loop is queued (after a TLS failure or a DISCONNECT from the broker, which end the
    /// loop for good).
    var restartScheduled = false
    /// Restarts since the last successful connection, for the backoff between them.
    var consecutiveRestarts = 0
    /// When the last connection was made; restarts count as consecutive unless it lasted a while.
    var lastConnected: ContinuousClock.Instant?
    var connectionWaiters: [UInt64: Deadline<Waiter>] = [:]
    var subscriptions: [UInt64: Subscription] = [:]
    var observers: [UInt64: Observer] = [:]
    private var nextIdentifier: UInt64 = 0
    /// What the current event decided, handed out by `takeAction()`.
    private var action = Action()
    /// State changes not yet delivered, and whether some caller is delivering them: one caller at a time delivers,
    /// outside the lock, so every observer sees every change in order.
    private var observerQueue: [ObserverEvent<Observer>] = []
    private var deliveringToObservers = false

    init(configuration: MQTTClient.Configuration) {
        self.configuration = configuration
    }

    mutating func makeIdentifier() -> UInt64 {
        nextIdentifier += 1
        return nextIdentifier
    }

    // MARK: Building the action

    mutating func effect(_ effect: ClientEffect) {
        action.effects.append(effect)
    }

    mutating func resume(_ waiter: Waiter, returning reply: Reply) {
        action.resumptions.append((waiter, .success(reply)))
    }

    mutating func resume(_ waiter: Waiter, throwing error: MQTTError) {
        action.resumptions.append((waiter, .failure(error)))
    }

    /// Ends the current event: what it decided, with the observer events this caller is to deliver.
    mutating func takeAction() -> Action {
        var taken = action
        action = Action()
        if !deliveringToObservers, !observerQueue.isEmpty {
            deliveringToObservers = true
            taken.observerEvents = observerQueue
            observerQueue.removeAll()
        }
        return taken
    }

    /// The caller delivering observer events is done with its batch: the events queued meanwhile, or nil, and
    /// then nobody delivers until the next change.
    mutating func nextObserverEvents() -> [ObserverEvent<Observer>]? {
        guard !observerQueue.isEmpty else {
            deliveringToObservers = false
            return nil
        }
        defer { observerQueue.removeAll() }
        return observerQueue
    }

    // MARK: State

    mutating func transition(to newState: MQTTConnectionState) {
        guard connection != newState else { return }
        connection = newState
        if !observers.isEmpty { observerQueue.append(.yield(newState, to: Array(observers.values))) }
        if newState.isConnected {
            for waiter in connectionWaiters.values { resume(waiter.value, returning: .done) }
            connectionWaiters.removeAll()
        }
    }

    /// Whether an orderly shutdown should still wait for acknowledgements.
    var awaitsAcknowledgements: Bool { connection.isConnected && !pending.isEmpty }

    /// Registers `observer`, which first gets the current state. A closed client's observer gets `.closed` and is
    /// finished at once; the identifier is then nil.
    mutating func addObserver(_ observer: Observer) -> (identifier: UInt64?, action: Action) {
        observerQueue.append(.yield(connection, to: [observer]))
        guard connection != .closed else {
            observerQueue.append(.finish([observer]))
            return (nil, takeAction())
        }
        let identifier = makeIdentifier()
        observers[identifier] = observer
        return (identifier, takeAction())
    }

    mutating func removeObserver(_ identifier: UInt64) {
        observers[identifier] = nil
    }

    // MARK: Waiting for the connection

    enum Readiness: Equatable {
        case connected
        case wait
        case failed(MQTTError)
    }

    /// Whether a call can go ahead now, must wait for the connection, or fails.
    var readiness: Readiness {
        switch connection {
        case .connected: return .connected
        case .closed: return .failed(.clientClosed)
        case .idle: return .failed(.notConnected(waited: .zero))
        case .connecting, .disconnected: return .wait
        }
    }

    /// `waiter` is resumed once connected, or fails after `offlineWaitTimeout`.
    mutating func waitForConnection(_ waiter: Waiter, now: ContinuousClock.Instant) -> Action {
        switch connection {
        case .connected: resume(waiter, returning: .done)
        case .closed: resume(waiter, throwing: .clientClosed)
        case .idle, .connecting, .disconnected:
            connectionWaiters[makeIdentifier()] = Deadline(
                value: waiter, deadline: now + configuration.offlineWaitTimeout)
        }
        return takeAction()
    }

    // MARK: Deadlines

    /// Whether the caller is to start the sweeper task (none runs yet).
    mutating func startSweeper() -> Bool {
        defer { sweeperRunning = true }
        return !sweeperRunning
    }

    /// Fails whatever waited too long and notices TLS failures; `continues` is false once the client is closed,
    /// and the sweeper then ends.
    mutating func sweep(now: ContinuousClock.Instant) -> (action: Action, continues: Bool) {
        expire(now: now)
        handleTLSFailure(now: now)
        if let waiter = connectWaiter, waiter.deadline <= now {
            connectWaiter = nil
            transition(to: .idle)
            // Queued before the caller hears of the failure, so a retried connect() runs after the clean-up.
            effect(.stopNetworkThread)
            resume(
                waiter.value,
                throwing: .connectTimedOut(
                    host: configuration.host, port: configuration.port, after: configuration.connectTimeout))
        }
        let continues = connection != .closed
        if !continues { sweeperRunning = false }
        return (takeAction(), continues)
    }

    /// Fails everything whose deadline has passed and forgets early acknowledgements nobody claimed.
    mutating func expire(now: ContinuousClock.Instant) {
        for (mid, operation) in pending where operation.deadline <= now {
            pending[mid] = nil
            if let waiter = operation.value.waiter {
                resume(waiter, throwing: .acknowledgementTimedOut(after: configuration.acknowledgementTimeout))
            }
        }
        for (identifier, waiter) in connectionWaiters where waiter.deadline <= now {
            connectionWaiters[identifier] = nil
            resume(waiter.value, throwing: .notConnected(waited: configuration.offlineWaitTimeout))
        }
        let staleBefore = now - .seconds(2)
        earlyAcknowledgements = earlyAcknowledgements.filter { $0.value.1 > staleBefore }
    }

    // MARK: Closing

    /// Moves to `.closed` and fails every waiter; nil if the client was closed already.
    mutating func close() -> Action? {
        guard connection != .closed else { return nil }
        transition(to: .closed)
        if let waiter = connectWaiter {
            connectWaiter = nil
            resume(waiter.value, throwing: .clientClosed)
        }
        for operation in pending.values {
            if let waiter = operation.value.waiter { resume(waiter, throwing: .clientClosed) }
        }
        pending.removeAll()
        for waiter in connectionWaiters.values { resume(waiter.value, throwing: .clientClosed) }
        connectionWaiters.removeAll()
        earlyAcknowledgements.removeAll()
        return takeAction()
    }

    /// Forgets every subscription and observer: the receivers are for the caller to finish; the observers are
    /// finished after every state change queued for them.
    mutating func takeStreams() -> (receivers: [Receiver], action: Action) {
        let receivers = subscriptions.values.map(\.receiver)
        subscriptions.removeAll()
        if !observers.isEmpty { observerQueue.append(.finish(Array(observers.values))) }
        observers.removeAll()
        return (receivers, takeAction())
    }
}
