// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    /// What a libmosquitto callback saw, queued for the loop to act on once libmosquitto has returned: the callbacks
    /// only copy data out, and the delegate never runs inside libmosquitto.
    enum PoolEvent {
        case connected(client: Int, reasonCode: Int32, sessionPresent: Bool)
        case message(client: Int, MQTTMessage)
        /// PUBACK for a QoS 1 publish.
        case published(client: Int)
        case subscribeRefused(client: Int, mid: Int32)
    }
#endif
