// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto

    extension MQTTClientPoolLoop {
        /// Creates and configures the libmosquitto client and queues it for connecting.
        func addClient(_ specification: MQTTPooledClient) {
            let client = connections.count
            let context = Unmanaged.passRetained(PoolCallbackContext(loop: self, client: client))
            // cleanStart false: the broker keeps the session for `sessionExpiryInterval`.
            guard let mosq = mosquitto_new(specification.clientID, false, context.toOpaque()) else {
                // Only an allocation failure; the indices already handed out leave no way to skip a client.
                preconditionFailure("libmosquitto could not allocate client \(specification.clientID)")
            }
            connections.append(
                PooledConnection(mosq: mosq, callbackContext: context, subscriptions: specification.subscriptions))
            do {
                try configure(mosq, specification)
            } catch {
                logger.error(
                    "could not configure a pooled client",
                    metadata: ["client_id": "\(specification.clientID)", "error": "\(error)"])
                connections[client].phase = .stopped
                return
            }
            installCallbacks(mosq)
            connectQueue.append(client)
        }

        private func configure(_ mosq: OpaquePointer, _ specification: MQTTPooledClient) throws(MQTTError) {
            try check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5))
            // Nagle's algorithm would hold every small acknowledgement back ~40 ms.
            try check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1))
            if let username = specification.username {
                try check(mosquitto_username_pw_set(mosq, username, specification.password))
            }
            if let will = specification.will {
                try will.install(on: mosq)
            }
        }

        private func check(_ code: Int32) throws(MQTTError) {
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
            }
        }

        // MARK: Connecting

        func startQueuedConnects() {
            while pendingConnects < configuration.maxPendingConnects, connectQueueHead < connectQueue.count {
                let client = connectQueue[connectQueueHead]
                connectQueueHead += 1
                connect(client)
            }
            if connectQueueHead == connectQueue.count {
                connectQueue.removeAll(keepingCapacity: connectQueue.count < 4096)
                connectQueueHead = 0
            }
        }

        /// Opens the connection and queues CONNECT; the CONNACK arrives through epoll.
        ///
        /// libmosquitto 2.0 has no asynchronous connect that carries v5 CONNECT properties, and without the Session
        /// Expiry property the broker ends the session with the connection. So with a session expiry the TCP handshake
        /// blocks the loop (well under a millisecond to a broker on this host or LAN; the pending-connect cap keeps the
        /// broker's backlog from overflowing); without one the connect is fully asynchronous.
        private func connect(_ client: Int) {
            let mosq = connections[client].mosq
            connections[client].phase = .connecting
            pendingConnects += 1
            let code: Int32
            if configuration.sessionExpiryInterval > 0 {
                code = Self.withSessionExpiry(configuration.sessionExpiryInterval) { properties in
                    mosquitto_connect_bind_v5(
                        mosq, configuration.host, Int32(configuration.port), Int32(configuration.keepAlive), nil,
                        properties)
                }
            } else {
                code = mosquitto_connect_bind_async(
                    mosq, configuration.host, Int32(configuration.port), Int32(configuration.keepAlive), nil)
            }
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                if connections[client].failures == 0 {
                    logger.warning(
                        "could not connect a pooled client; retrying",
                        metadata: ["client": "\(client)", "error": "\(MosquittoLibrary.errorMessage(code))"])
                }
                pendingConnects -= 1
                scheduleReconnect(client)
                return
            }
            synchroniseSocket(client)
        }

        private static func withSessionExpiry(_ seconds: UInt32, _ body: (OpaquePointer?) -> Int32) -> Int32 {
            var list: OpaquePointer? = nil
            defer { mosquitto_property_free_all(&list) }
            let code = mosquitto_property_add_int32(&list, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), seconds)
            guard code == MOSQ_ERR_SUCCESS.rawValue else { return code }
            return body(list)
        }

        func startDueReconnects(now: ContinuousClock.Instant) {
            guard !waitingClients.isEmpty, stopDeadline == nil else { return }
            for client in waitingClients {
                guard case .waiting(let due) = connections[client].phase, due <= now else { continue }
                waitingClients.remove(client)
                connections[client].phase = .queued
                connectQueue.append(client)
            }
        }

        /// Doubling from the lower bound to the upper, with jitter so a fleet dropped at once does not return at once.
        private func scheduleReconnect(_ client: Int) {
            guard stopDeadline == nil else {
                connections[client].phase = .stopped
                return
            }
            let failures = connections[client].failures
            connections[client].failures = failures == .max ? failures : failures + 1
            let delays = configuration.reconnectDelay
            let doubled = delays.lowerBound * (1 << min(Int(failures), 16))
            let delay = min(doubled, delays.upperBound) * Double.random(in: 0.5...1.0)
            connections[client].phase = .waiting(due: .now + delay)
            waitingClients.insert(client)
        }

        // MARK: Descriptors

        /// Brings epoll in line with libmosquitto: registers a new socket, follows `mosquitto_want_write`, and treats a
        /// socket libmosquitto closed as a lost connection.
        func synchroniseSocket(_ client: Int) {
            let mosq = connections[client].mosq
            let socket = mosquitto_socket(mosq)
            let registered = connections[client].socket
            if socket != registered {
                // The kernel dropped a closed descriptor from the epoll set by itself; EPOLL_CTL_DEL could now hit
                // another client's socket that reuses the number.
                connections[client].socket = -1
                if registered >= 0 { connectionLost(client) }
                guard socket >= 0 else { return }
                let wantsWrite = mosquitto_want_write(mosq)
                var event = epoll_event()
                event.events = EPOLLIN.rawValue | (wantsWrite ? EPOLLOUT.rawValue : 0)
                event.data.u64 = UInt64(client)
                guard epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 else {
                    logger.error("could not watch a client's socket", metadata: ["client": "\(client)"])
                    return
                }
                connections[client].socket = socket
                connections[client].watchesWrite = wantsWrite
                return
            }
            guard socket >= 0 else { return }
            let wantsWrite = mosquitto_want_write(mosq)
            guard wantsWrite != connections[client].watchesWrite else { return }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | (wantsWrite ? EPOLLOUT.rawValue : 0)
            event.data.u64 = UInt64(client)
            if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0 {
                connections[client].watchesWrite = wantsWrite
            }
        }

        private func connectionLost(_ client: Int) {
            switch connections[client].phase {
            case .connected:
                shared.connected.subtract(1, ordering: .relaxed)
                delegate.clientDisconnected(client, loop: self)
            case .connecting:
                pendingConnects -= 1
            case .queued, .waiting, .stopped:
                break
            }
            scheduleReconnect(client)
        }

        // MARK: Events

        /// Acts on what the callbacks queued, then brings epoll up to date for every client touched meanwhile. The
        /// delegate may publish, which touches more clients; the loop runs until both lists are empty.
        func dispatchEvents() {
            while !events.isEmpty || !touched.isEmpty {
                let batch = events
                events.removeAll(keepingCapacity: true)
                for event in batch { handle(event) }
                let clients = touched
                touched.removeAll(keepingCapacity: true)
                for client in clients { synchroniseSocket(client) }
            }
        }

        private func handle(_ event: PoolEvent) {
            switch event {
            case .connected(let client, let reasonCode, let sessionPresent):
                guard reasonCode == 0 else {
                    // The broker closes the connection next; the reconnect backoff takes it from there.
                    if connections[client].failures == 0 {
                        logger.warning(
                            "broker refused a pooled client",
                            metadata: ["client": "\(client)", "reason": "\(MQTTReasonCode(reasonCode))"])
                    }
                    return
                }
                guard connections[client].phase == .connecting else { return }
                connections[client].phase = .connected
                connections[client].failures = 0
                pendingConnects -= 1
                shared.connected.add(1, ordering: .relaxed)
                for filter in connections[client].subscriptions { sendSubscribe(client, filter) }
                delegate.clientConnected(client, sessionPresent: sessionPresent, loop: self)
            case .message(let client, let message):
                delegate.client(client, received: message, loop: self)
            case .published:
                unacknowledgedPublishes -= 1
            case .subscribeRefused(let client, let mid):
                logger.warning(
                    "broker refused a subscription", metadata: ["client": "\(client)", "mid": "\(mid)"])
            }
        }
    }
#endif
