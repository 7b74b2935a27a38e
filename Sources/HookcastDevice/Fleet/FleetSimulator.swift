// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import Foundation
    import HookcastProtocol
    import Logging
    import Mosquitto

    /// Many simulated devices in one process, `<prefix><index>` (e.g. `sim-00001`), all on one `MQTTClientPool`: each
    /// connects as its device id, follows its retained config, acknowledges every command at once and reports its
    /// presence, as the reference agent does (see `SimulatedFleet`). For load tests of the gateway and broker.
    public final class FleetSimulator: Sendable {
        /// How many devices, named how, on which broker.
        public struct Configuration: Sendable {
            public var count: Int
            public var idPrefix: String
            public var startIndex: Int
            public var mqttHost: String
            public var mqttPort: Int
            public var credentials: FleetCredentials
            public var sessionExpiry: UInt32
            public var keepAlive: Int
            public var logger: Logger
            /// The topic prefix the gateway and the broker use (`--topic-prefix`).
            public var topics: Topics

            public init(
                count: Int,
                idPrefix: String = "sim-",
                startIndex: Int = 1,
                mqttHost: String = "127.0.0.1",
                mqttPort: Int = 1883,
                credentials: FleetCredentials = .none,
                sessionExpiry: UInt32 = 86_400,
                keepAlive: Int = 60,
                logger: Logger = Logger(label: "hookcast.fleet"),
                topics: Topics = .standard
            ) {
                self.topics = topics
                self.count = count
                self.idPrefix = idPrefix
                self.startIndex = startIndex
                self.mqttHost = mqttHost
                self.mqttPort = mqttPort
                self.credentials = credentials
                self.sessionExpiry = sessionExpiry
                self.keepAlive = keepAlive
                self.logger = logger
            }

            /// `sim-00001`: zero-padded to at least five digits, so the ids sort in index order.
            public func deviceID(at offset: Int) throws(FleetError) -> DeviceID {
                let index = startIndex + offset
                let width = max(5, String(startIndex + count - 1).count)
                let digits = String(index)
                let raw = idPrefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
                do {
                    return try DeviceID(raw)
                } catch {
                    throw .invalidDeviceID(raw, reason: "\(error)")
                }
            }
        }

        public let configuration: Configuration
        public let deviceIDs: [DeviceID]
        private let pool: MQTTClientPool
        private let counters = FleetCounters()

        /// Reads every credential and starts connecting every device; returns at once (see `statistics`).
        public init(configuration: Configuration) throws(FleetError) {
            self.configuration = configuration
            let startedAt = Date()
            var devices: [SimulatedDevice] = []
            var clients: [MQTTPooledClient] = []
            devices.reserveCapacity(configuration.count)
            clients.reserveCapacity(configuration.count)
            for offset in 0..<configuration.count {
                let id = try configuration.deviceID(at: offset)
                let login = try configuration.credentials.login(for: id)
                let will = PresenceMessage(deviceID: id, status: .offline, since: startedAt)
                devices.append(SimulatedDevice(id: id))
                clients.append(
                    MQTTPooledClient(
                        clientID: id.rawValue, username: login?.username, password: login?.password,
                        will: MQTTWill(
                            topic: configuration.topics.deviceStatus(id), payload: will.encoded(), qos: .atLeastOnce,
                            retain: true,
                            properties: DeviceAgent.jsonProperties),
                        subscriptions: [
                            configuration.topics.deviceCommands(id), configuration.topics.allCommands,
                            configuration.topics.deviceConfig(id),
                        ]))
            }
            deviceIDs = devices.map(\.id)
            let fleet = SimulatedFleet(
                devices: devices, counters: counters, logger: configuration.logger, topics: configuration.topics)
            do {
                pool = try MQTTClientPool(
                    configuration: MQTTClientPool.Configuration(
                        host: configuration.mqttHost, port: configuration.mqttPort, keepAlive: configuration.keepAlive,
                        sessionExpiryInterval: configuration.sessionExpiry, logger: configuration.logger),
                    delegate: fleet)
                try pool.add(clients)
            } catch {
                throw .mqtt(error)
            }
        }

        public var statistics: FleetStatistics {
            FleetStatistics(
                devices: configuration.count,
                connected: pool.connectedCount,
                commandsAcknowledged: counters.commandsAcknowledged.load(ordering: .relaxed),
                commandsExecuted: counters.commandsExecuted.load(ordering: .relaxed))
        }

        /// Every device says `offline` (retained) and disconnects.
        public func stop() async {
            await pool.stop()
        }
    }
#endif
