// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import Logging

    extension MQTTClientPool {
        /// Where the broker is and how every client of the pool connects.
        public struct Configuration: Sendable {
            public var host: String
            public var port: Int
            /// Seconds between keepalive pings; libmosquitto requires at least 5.
            public var keepAlive: Int
            /// How long the broker keeps a client's session (subscriptions, queued QoS 1 messages) while it is away.
            /// Clients never ask for a clean start. 0 makes connects fully non-blocking (see `MQTTClientPoolLoop.connect`).
            public var sessionExpiryInterval: UInt32
            /// Delay before reconnecting a dropped client: doubles from the lower to the upper bound, with jitter.
            public var reconnectDelay: ClosedRange<Duration>
            /// At most this many clients wait for their CONNACK at once, so a burst of thousands of connects does not
            /// overflow the broker's listen backlog (a lost SYN costs a second).
            public var maxPendingConnects: Int
            public var logger: Logger

            public init(
                host: String = "127.0.0.1",
                port: Int = 1883,
                keepAlive: Int = 30,
                sessionExpiryInterval: UInt32 = 86_400,
                reconnectDelay: ClosedRange<Duration> = .seconds(1) ... .seconds(30),
                maxPendingConnects: Int = 64,
                logger: Logger = Logger(label: "hookcast.mqtt.pool")
            ) {
                self.host = host
                self.port = port
                self.keepAlive = keepAlive
                self.sessionExpiryInterval = sessionExpiryInterval
                self.reconnectDelay = reconnectDelay
                self.maxPendingConnects = maxPendingConnects
                self.logger = logger
            }

            func validate() throws(MQTTError) {
                try MQTTClient.Configuration.validateBroker(host: host, port: port, keepAlive: keepAlive)
                guard maxPendingConnects >= 1 else {
                    throw .invalidConfiguration("maxPendingConnects must be at least 1")
                }
                guard reconnectDelay.lowerBound > .zero else {
                    throw .invalidConfiguration("the reconnect delay must be positive")
                }
            }
        }
    }
#endif
