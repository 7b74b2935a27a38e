import Logging

extension MQTTClient {
    /// How to reach the broker and how the client behaves when it cannot.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The MQTT client identifier. Devices use their device id, so the broker keeps one session per device.
        public var clientID: String
        public var username: String?
        public var password: String?
        /// TLS for the connection; nil connects in plain text.
        public var tls: TLSConfiguration?
        /// Seconds between keepalive pings; libmosquitto requires at least 5.
        public var keepAlive: Int
        /// Start without the broker's stored session (subscriptions and queued messages).
        public var cleanStart: Bool
        /// How long the broker keeps the session after the connection ends; 0 ends it with the connection.
        public var sessionExpiryInterval: UInt32
        public var will: MQTTWill?
        /// How long `connect()` waits for the broker's CONNACK.
        public var connectTimeout: Duration
        /// Reconnect delays after a lost connection, growing from the minimum to the maximum (whole seconds).
        public var reconnectDelay: ClosedRange<UInt32>
        /// At most this many publishes wait for their acknowledgement at once; further callers wait for a slot.
        public var maxInFlightPublishes: Int
        /// A publish, subscribe or unsubscribe that is not acknowledged within this time fails.
        public var acknowledgementTimeout: Duration
        /// While disconnected, a call waits this long for the connection to return before it fails.
        public var offlineWaitTimeout: Duration
        public var logger: Logger

        public init(
            host: String = "127.0.0.1",
            port: Int = 1883,
            clientID: String,
            username: String? = nil,
            password: String? = nil,
            tls: TLSConfiguration? = nil,
            keepAlive: Int = 30,
            cleanStart: Bool = true,
            sessionExpiryInterval: UInt32 = 0,
            will: MQTTWill? = nil,
            connectTimeout: Duration = .seconds(10),
            reconnectDelay: ClosedRange<UInt32> = 1...30,
            maxInFlightPublishes: Int = 1024,
            acknowledgementTimeout: Duration = .seconds(30),
            offlineWaitTimeout: Duration = .seconds(10),
            logger: Logger = Logger(label: "hookcast.mqtt")
        ) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.username = username
            self.password = password
            self.tls = tls
            self.keepAlive = keepAlive
            self.cleanStart = cleanStart
            self.sessionExpiryInterval = sessionExpiryInterval
            self.will = will
            self.connectTimeout = connectTimeout
            self.reconnectDelay = reconnectDelay
            self.maxInFlightPublishes = maxInFlightPublishes
            self.acknowledgementTimeout = acknowledgementTimeout
            self.offlineWaitTimeout = offlineWaitTimeout
            self.logger = logger
        }

        func validate() throws(MQTTError) {
            try Self.validateBroker(host: host, port: port, keepAlive: keepAlive)
            guard !clientID.isEmpty, clientID.utf8.count <= 65535 else {
                throw .invalidConfiguration("the client id must be 1 to 65535 bytes")
            }
            // MQTT packet identifiers are 16-bit and 0 is reserved, so more in flight would reuse an id still waiting.
            guard (1...65000).contains(maxInFlightPublishes) else {
                throw .invalidConfiguration("maxInFlightPublishes must be between 1 and 65000")
            }
            guard reconnectDelay.lowerBound >= 1 else {
                throw .invalidConfiguration("the reconnect delay must start at 1 second or more")
            }
            try tls?.validate()
        }
    }
}

extension MQTTClient.Configuration {
    /// The checks every client's broker settings go through, pooled or not.
    static func validateBroker(host: String, port: Int, keepAlive: Int) throws(MQTTError) {
        guard !host.isEmpty else { throw .invalidConfiguration("the broker host is empty") }
        guard (1...65535).contains(port) else {
            throw .invalidConfiguration("the broker port \(port) is not between 1 and 65535")
        }
        guard keepAlive >= 5 else { throw .invalidConfiguration("keepAlive must be at least 5 seconds") }
    }
}
