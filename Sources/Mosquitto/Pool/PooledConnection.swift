// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto

    /// The loop's record of one client. Plain data, owned by the loop thread.
    struct PooledConnection {
        enum Phase: Equatable {
            /// Waiting for its turn to connect (see `MQTTClientPool.Configuration.maxPendingConnects`).
            case queued
            /// CONNECT sent (or about to be); no CONNACK yet.
            case connecting
            case connected
            /// Dropped or refused; connects again at `due`.
            case waiting(due: ContinuousClock.Instant)
            /// The pool is stopping or could not configure the client.
            case stopped
        }

        let mosq: OpaquePointer
        /// The libmosquitto userdata; released when the client is destroyed.
        let callbackContext: Unmanaged<PoolCallbackContext>
        var subscriptions: [String]
        var phase: Phase = .queued
        /// The descriptor registered with epoll, or -1. libmosquitto closes a failed socket itself (which removes it
        /// from epoll), so the loop compares this with `mosquitto_socket` after every call to notice.
        var socket: Int32 = -1
        var watchesWrite = false
        /// Consecutive failed connects, for the backoff.
        var failures: UInt8 = 0
    }

    /// libmosquitto's userdata for one client: how a C callback finds the loop and the client it is about.
    ///
    /// `unowned(unsafe)` because the loop destroys every client (and so stops every callback) before it goes away.
    final class PoolCallbackContext {
        unowned(unsafe) let loop: MQTTClientPoolLoop
        let client: Int

        init(loop: MQTTClientPoolLoop, client: Int) {
            self.loop = loop
            self.client = client
        }
    }
#endif
