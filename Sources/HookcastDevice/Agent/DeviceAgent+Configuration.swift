import Foundation
import HookcastProtocol
import Logging
import Mosquitto

extension DeviceAgent {
    /// Who the device is, where its broker is, and what it keeps on disk.
    public struct Configuration: Sendable {
        public var deviceID: DeviceID
        public var mqttHost: String
        public var mqttPort: Int
        public var username: String?
        public var password: String?
        /// TLS to the broker; nil connects in plain text.
        public var mqttTLS: MQTTClient.TLSConfiguration?
        /// Seconds the broker keeps the device's session (subscriptions and queued QoS 1 commands) while it is away.
        public var sessionExpiry: UInt32
        /// Where hook executables live (`<dir>/<function>`); nil runs no hooks.
        public var hooksDirectory: URL?
        public var hookTimeout: Duration
        /// Where the player state and handled command ids are kept across restarts; nil keeps them in memory.
        public var stateFile: URL?
        /// How many handled command ids are remembered to recognise redeliveries.
        public var seenCommandCapacity: Int
        /// Seconds between MQTT keepalive pings; the broker publishes the Last Will after 1.5 times this of silence.
        public var keepAlive: Int
        public var connectTimeout: Duration
        /// While disconnected, a publish (an acknowledgement, a presence) waits this long for the connection.
        public var offlineWait: Duration
        public var logger: Logger
        /// The topic prefix the gateway and the broker use (`--topic-prefix`).
        public var topics: Topics

        public init(
            deviceID: DeviceID,
            mqttHost: String = "127.0.0.1",
            mqttPort: Int = 1883,
            username: String? = nil,
            password: String? = nil,
            mqttTLS: MQTTClient.TLSConfiguration? = nil,
            sessionExpiry: UInt32 = 86_400,
            hooksDirectory: URL? = nil,
            hookTimeout: Duration = .seconds(30),
            stateFile: URL? = nil,
            seenCommandCapacity: Int = 10_000,
            keepAlive: Int = 30,
            connectTimeout: Duration = .seconds(10),
            offlineWait: Duration = .seconds(10),
            logger: Logger = Logger(label: "hookcast.device"),
            topics: Topics = .standard
        ) {
            self.topics = topics
            self.deviceID = deviceID
            self.mqttHost = mqttHost
            self.mqttPort = mqttPort
            self.username = username
            self.password = password
            self.mqttTLS = mqttTLS
            self.sessionExpiry = sessionExpiry
            self.hooksDirectory = hooksDirectory
            self.hookTimeout = hookTimeout
            self.stateFile = stateFile
            self.seenCommandCapacity = seenCommandCapacity
            self.keepAlive = keepAlive
            self.connectTimeout = connectTimeout
            self.offlineWait = offlineWait
            self.logger = logger
        }

        /// Client id = device id and a persistent session, so commands published while the device is offline wait
        /// for it; the Last Will marks it offline if it vanishes without saying goodbye.
        func mqttConfiguration(startedAt: Date) -> MQTTClient.Configuration {
            let will = PresenceMessage(deviceID: deviceID, status: .offline, since: startedAt)
            return MQTTClient.Configuration(
                host: mqttHost,
                port: mqttPort,
                clientID: deviceID.rawValue,
                username: username,
                password: password,
                tls: mqttTLS,
                keepAlive: keepAlive,
                cleanStart: false,
                sessionExpiryInterval: sessionExpiry,
                will: MQTTWill(
                    topic: topics.deviceStatus(deviceID), payload: will.encoded(), qos: .atLeastOnce, retain: true,
                    properties: DeviceAgent.jsonProperties),
                connectTimeout: connectTimeout,
                offlineWaitTimeout: offlineWait,
                logger: logger
            )
        }
    }
}
