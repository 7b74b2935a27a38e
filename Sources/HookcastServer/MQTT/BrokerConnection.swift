import Logging
import Mosquitto
import ServiceLifecycle

/// The gateway's one MQTT connection, run as a service: it keeps trying until the broker answers (the broker may
/// start after the gateway), then lets libmosquitto keep it up, and disconnects cleanly on shutdown.
public final class BrokerConnection: Service, Sendable {
    public let client: MQTTClient
    private let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) throws {
        var mqttLogger = logger
        mqttLogger[metadataKey: "component"] = "mqtt"
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                host: configuration.mqttHost,
                port: configuration.mqttPort,
                clientID: configuration.mqttClientID,
                username: configuration.mqttUsername,
                password: configuration.mqttPassword,
                tls: configuration.mqttTLS,
                // A persistent session: acknowledgements devices send while the gateway restarts wait in the
                // broker instead of being dropped and costing a redelivery each.
                cleanStart: false,
                sessionExpiryInterval: configuration.mqttSessionExpiry,
                logger: mqttLogger))
        self.logger = mqttLogger
    }

    public var state: MQTTConnectionState { client.state }

    public func run() async throws {
        var delay = Duration.milliseconds(250)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await client.connect()
                break
            } catch {
                logger.warning(
                    "MQTT broker not reachable yet; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                let wait = delay
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                delay = min(delay * 2, .seconds(10))
            }
        }
        try? await gracefulShutdown()
        await client.disconnect()
    }
}
