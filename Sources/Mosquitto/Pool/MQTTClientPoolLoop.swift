// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto
    import Logging

    /// The pool's loop thread and everything it owns: the epoll set, every libmosquitto client and its record, the
    /// delegate. Not `Sendable`: it exists only on that thread; the delegate reaches it as the `loop` argument, to
    /// publish and subscribe for any client at once.
    public final class MQTTClientPoolLoop {
        let configuration: MQTTClientPool.Configuration
        let shared: PoolShared
        let epoll: Int32
        let delegate: any MQTTClientPoolDelegate
        var logger: Logger { configuration.logger }

        var connections: [PooledConnection] = []
        /// Filled by libmosquitto's callbacks, emptied by `dispatchEvents()` once libmosquitto has returned.
        var events: [PoolEvent] = []
        /// Clients whose descriptor or write interest may have changed since the loop last looked.
        var touched: [Int] = []
        /// Clients waiting for a connect slot, in order; `connectQueueHead` is the next one.
        var connectQueue: [Int] = []
        var connectQueueHead = 0
        var pendingConnects = 0
        /// Clients in `.waiting`, checked on every tick.
        var waitingClients: Set<Int> = []
        var unacknowledgedPublishes = 0
        var stopDeadline: ContinuousClock.Instant?
        var lastKeepAliveSweep = ContinuousClock.now

        /// epoll data of the wake-up eventfd; clients use their index.
        static let wakeTag = UInt64.max

        init(
            configuration: MQTTClientPool.Configuration, shared: PoolShared,
            delegate: sending any MQTTClientPoolDelegate
        ) throws(MQTTError) {
            self.configuration = configuration
            self.shared = shared
            self.delegate = delegate
            epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
            guard epoll >= 0 else {
                throw .library(
                    code: MOSQ_ERR_ERRNO.rawValue, message: MosquittoLibrary.errorMessage(MOSQ_ERR_ERRNO.rawValue))
            }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.u64 = Self.wakeTag
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, shared.wakeDescriptor, &event) == 0 else {
                close(epoll)
                throw .library(
                    code: MOSQ_ERR_ERRNO.rawValue, message: MosquittoLibrary.errorMessage(MOSQ_ERR_ERRNO.rawValue))
            }
        }

        // MARK: The loop

        func run() {
            var ready = [epoll_event](repeating: epoll_event(), count: 1024)
            while true {
                takeInbox()
                if let stopDeadline, unacknowledgedPublishes <= 0 || ContinuousClock.now >= stopDeadline { break }
                let now = ContinuousClock.now
                startDueReconnects(now: now)
                startQueuedConnects()
                if now - lastKeepAliveSweep >= .seconds(1) {
                    lastKeepAliveSweep = now
                    sweepKeepAlive()
                }
                // Short while anything waits on a clock (a reconnect, the stop drain), else long: keepalive only
                // needs a look every second.
                let timeout: Int32 = waitingClients.isEmpty && stopDeadline == nil ? 1000 : 50
                let count = epoll_wait(epoll, &ready, Int32(ready.count), timeout)
                guard count > 0 else { continue }
                for event in ready.prefix(Int(count)) { handle(event) }
            }
            shutdown()
        }

        private func handle(_ event: epoll_event) {
            if event.data.u64 == Self.wakeTag {
                var value: UInt64 = 0
                _ = read(shared.wakeDescriptor, &value, MemoryLayout<UInt64>.size)
                return
            }
            let client = Int(event.data.u64)
            let mosq = connections[client].mosq
            guard connections[client].socket >= 0 else { return }
            let readable = EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue
            if event.events & readable != 0 {
                _ = mosquitto_loop_read(mosq, 1)
            }
            if event.events & EPOLLOUT.rawValue != 0, mosquitto_socket(mosq) == connections[client].socket {
                _ = mosquitto_loop_write(mosq, 1)
            }
            touched.append(client)
            dispatchEvents()
        }

        /// Pings the broker for idle clients and notices those whose broker went silent: what `mosquitto_loop_start`'s
        /// thread would do for one client, done here for all.
        private func sweepKeepAlive() {
            for client in connections.indices where connections[client].socket >= 0 {
                _ = mosquitto_loop_misc(connections[client].mosq)
                touched.append(client)
            }
            dispatchEvents()
        }

        private func takeInbox() {
            let (added, stop, drainTimeout) = shared.inbox.withLock { inbox in
                defer { inbox.added.removeAll() }
                return (inbox.added, inbox.stopRequested, inbox.drainTimeout)
            }
            if stopDeadline == nil {
                for client in added { addClient(client) }
            }
            if stop && stopDeadline == nil {
                stopDeadline = .now + drainTimeout
                delegate.poolStopping(loop: self)
                dispatchEvents()
            }
        }

        // MARK: For the delegate

        /// Publishes QoS 1 as `client`, at once. Fails if that client is not connected now; the broker's answer
        /// (PUBACK) is awaited only when the pool stops.
        public func publish(
            from client: Int,
            to topic: String,
            payload: [UInt8],
            retain: Bool = false,
            properties: MQTTPublishProperties = .none
        ) throws(MQTTError) {
            guard connections.indices.contains(client), connections[client].phase == .connected else {
                throw .notConnected(waited: .zero)
            }
            guard TopicFilter.isValidTopicName(topic) else { throw .invalidTopic(topic) }
            let mosq = connections[client].mosq
            let code = try properties.withPropertyList { list in
                payload.withUnsafeBytes { bytes in
                    mosquitto_publish_v5(
                        mosq, nil, topic, Int32(bytes.count), bytes.baseAddress, MQTTQoS.atLeastOnce.rawValue, retain,
                        list)
                }
            }
            touched.append(client)
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
            }
            unacknowledgedPublishes += 1
        }

        /// Subscribes `client` to `filter` (QoS 1) now, if connected, and after every reconnect.
        public func subscribe(_ client: Int, to filter: String) throws(MQTTError) {
            guard TopicFilter.isValidFilter(filter) else { throw .invalidTopicFilter(filter) }
            guard !connections[client].subscriptions.contains(filter) else { return }
            connections[client].subscriptions.append(filter)
            if connections[client].phase == .connected { sendSubscribe(client, filter) }
        }

        /// Unsubscribes `client` from `filter`, now and for later reconnects.
        public func unsubscribe(_ client: Int, from filter: String) {
            guard let position = connections[client].subscriptions.firstIndex(of: filter) else { return }
            connections[client].subscriptions.remove(at: position)
            guard connections[client].phase == .connected else { return }
            let code = mosquitto_unsubscribe_v5(connections[client].mosq, nil, filter, nil)
            if code != MOSQ_ERR_SUCCESS.rawValue {
                logger.warning(
                    "could not unsubscribe",
                    metadata: ["client": "\(client)", "filter": "\(filter)", "error": "\(code)"])
            }
            touched.append(client)
        }

        /// Whether `client` is connected now.
        public func isConnected(_ client: Int) -> Bool {
            connections.indices.contains(client) && connections[client].phase == .connected
        }

        func sendSubscribe(_ client: Int, _ filter: String) {
            let code = mosquitto_subscribe_v5(
                connections[client].mosq, nil, filter, MQTTQoS.atLeastOnce.rawValue, 0, nil)
            if code != MOSQ_ERR_SUCCESS.rawValue {
                logger.warning(
                    "could not subscribe",
                    metadata: [
                        "client": "\(client)", "filter": "\(filter)", "error": "\(MosquittoLibrary.errorMessage(code))",
                    ])
            }
            touched.append(client)
        }
    }
#endif
