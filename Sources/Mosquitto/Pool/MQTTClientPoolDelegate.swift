// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    /// What the clients of an `MQTTClientPool` hear. Every method is called on the pool's loop thread, one call at a
    /// time, so an implementation keeps its state in plain stored properties. None may block: every client of the pool
    /// waits while one runs. `loop` publishes and subscribes on behalf of any client, at once.
    public protocol MQTTClientPoolDelegate: AnyObject {
        /// The broker accepted client `client` (its index in the pool); its subscriptions have been sent.
        func clientConnected(_ client: Int, sessionPresent: Bool, loop: MQTTClientPoolLoop)
        /// The connection of a connected client ended; the pool reconnects it after a delay.
        func clientDisconnected(_ client: Int, loop: MQTTClientPoolLoop)
        /// A message arrived for `client`; everything in it is a copy.
        func client(_ client: Int, received message: MQTTMessage, loop: MQTTClientPoolLoop)
        /// `stop()` was called; the last chance to publish (e.g. an `offline` presence) before every client disconnects.
        /// The pool waits (bounded) for the broker to acknowledge what is published here.
        func poolStopping(loop: MQTTClientPoolLoop)
    }

    extension MQTTClientPoolDelegate {
        public func clientDisconnected(_ client: Int, loop: MQTTClientPoolLoop) {}
        public func poolStopping(loop: MQTTClientPoolLoop) {}
    }
#endif
