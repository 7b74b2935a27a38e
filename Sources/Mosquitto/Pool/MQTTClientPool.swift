// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto
    import Synchronization

    /// Many MQTT clients in one process, all driven from one dedicated thread with epoll: no libmosquitto network
    /// thread per client (`mosquitto_loop_start`), no Swift task per client. For simulating fleets of devices.
    ///
    /// Every client speaks MQTT v5 with TCP_NODELAY, never asks for a clean start, keeps its session for
    /// `Configuration.sessionExpiryInterval`, may carry a Last Will, and is reconnected with backoff when it drops.
    /// What the clients hear goes to the delegate, on the loop thread; the delegate publishes through the
    /// `MQTTClientPoolLoop` it is handed. Linux only (epoll).
    public final class MQTTClientPool: Sendable {
        let shared: PoolShared

        /// Starts the loop thread; clients connect once `add(_:)` hands them over. The delegate is owned by the loop
        /// thread from now on.
        public init(configuration: Configuration, delegate: sending any MQTTClientPoolDelegate) throws(MQTTError) {
            try configuration.validate()
            MosquittoLibrary.ensureInitialised()
            DescriptorLimit.raise()
            let wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
            guard wakeDescriptor >= 0 else {
                throw .library(
                    code: MOSQ_ERR_ERRNO.rawValue, message: MosquittoLibrary.errorMessage(MOSQ_ERR_ERRNO.rawValue))
            }
            shared = PoolShared(wakeDescriptor: wakeDescriptor)
            let loop = try MQTTClientPoolLoop(configuration: configuration, shared: shared, delegate: delegate)
            try Self.startThread(running: loop)
        }

        /// A dedicated pthread, never a Swift concurrency thread: the loop blocks in `epoll_wait`. The loop is handed
        /// over retained and released by the thread when it ends; no other thread touches it.
        private static func startThread(running loop: MQTTClientPoolLoop) throws(MQTTError) {
            let argument = Unmanaged.passRetained(loop).toOpaque()
            var thread = pthread_t()
            let code = pthread_create(
                &thread, nil,
                { argument in
                    guard let argument else { return nil }
                    let loop = Unmanaged<MQTTClientPoolLoop>.fromOpaque(argument).takeRetainedValue()
                    loop.run()
                    return nil
                }, argument)
            guard code == 0 else {
                Unmanaged<MQTTClientPoolLoop>.fromOpaque(argument).release()
                throw .library(code: MOSQ_ERR_ERRNO.rawValue, message: "could not start the pool's thread (\(code))")
            }
            pthread_detach(thread)
        }

        /// Hands clients to the loop, which connects them (at most `maxPendingConnects` waiting at once); returns
        /// their indices, the numbers the delegate and `MQTTClientPoolLoop` know them by. Throws if the process cannot
        /// open enough descriptors for them.
        @discardableResult
        public func add(_ clients: [MQTTPooledClient]) throws(MQTTError) -> Range<Int> {
            for client in clients { try client.validate() }
            let range = try shared.inbox.withLock { inbox throws(MQTTError) -> Range<Int> in
                guard !inbox.stopRequested else { throw .clientClosed }
                let total = inbox.clientCount + clients.count
                let needed = DescriptorLimit.needed(forClients: total)
                let limit = DescriptorLimit.raise(toFit: needed)
                guard needed <= limit else { throw .tooManyClients(requested: total, descriptorLimit: limit) }
                let range = inbox.clientCount..<total
                inbox.clientCount = total
                inbox.added.append(contentsOf: clients)
                return range
            }
            shared.wake()
            return range
        }

        /// Clients added so far.
        public var clientCount: Int { shared.inbox.withLock { $0.clientCount } }

        /// Clients whose connection the broker has accepted and that have not dropped since.
        public var connectedCount: Int { shared.connected.load(ordering: .relaxed) }

        /// Lets the delegate say goodbye (`poolStopping`), waits up to `drainTimeout` for the broker to acknowledge
        /// it, disconnects every client (so no Last Will is published) and ends the loop thread.
        public func stop(drainTimeout: Duration = .seconds(3)) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = shared.inbox.withLock { inbox -> Bool in
                    if inbox.finished { return true }
                    inbox.stopRequested = true
                    inbox.drainTimeout = drainTimeout
                    inbox.stopWaiters.append(continuation)
                    return false
                }
                if finished { continuation.resume() }
                shared.wake()
            }
        }

        deinit {
            // Dropped without stop(): the thread still ends and destroys its clients, without anyone waiting.
            shared.inbox.withLock { $0.stopRequested = true }
            shared.wake()
        }
    }

    /// What the callers' threads and the loop thread share: the hand-over box, the connected count and the wake-up.
    final class PoolShared: Sendable {
        struct Inbox {
            var added: [MQTTPooledClient] = []
            var clientCount = 0
            var stopRequested = false
            var drainTimeout: Duration = .seconds(3)
            var stopWaiters: [CheckedContinuation<Void, Never>] = []
            var finished = false
        }

        let inbox = Mutex(Inbox())
        let connected = Atomic<Int>(0)
        /// An eventfd in the loop's epoll set; writing to it ends the loop's `epoll_wait`.
        let wakeDescriptor: Int32

        init(wakeDescriptor: Int32) {
            self.wakeDescriptor = wakeDescriptor
        }

        func wake() {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, MemoryLayout<UInt64>.size)
        }

        deinit {
            close(wakeDescriptor)
        }
    }

    extension MQTTPooledClient {
        func validate() throws(MQTTError) {
            guard !clientID.isEmpty, clientID.utf8.count <= 65535 else {
                throw .invalidConfiguration("the client id must be 1 to 65535 bytes")
            }
            if let will, !TopicFilter.isValidTopicName(will.topic) { throw .invalidTopic(will.topic) }
            for filter in subscriptions where !TopicFilter.isValidFilter(filter) { throw .invalidTopicFilter(filter) }
        }
    }
#endif
