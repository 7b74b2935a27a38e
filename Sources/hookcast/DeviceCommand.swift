import ArgumentParser
import Dispatch
import Foundation
import HookcastDevice
import HookcastProtocol
import Logging

/// `hookcast device --id lobby-1`: the reference device agent, for demos and as a model for real players.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: """
            Run a reference device agent: execute and acknowledge the commands sent to one device \
            (or, with --count, simulate many).
            """
    )

    @Option(help: "The device id, also the MQTT client id.")
    var id: String?

    @OptionGroup var fleet: FleetOptions

    @Option(name: .customLong("mqtt-host"), help: "MQTT broker host (HOOKCAST_MQTT_HOST).")
    var mqttHost: String = Environment.value("HOOKCAST_MQTT_HOST") ?? "127.0.0.1"

    @Option(name: .customLong("mqtt-port"), help: "MQTT broker port (HOOKCAST_MQTT_PORT).")
    var mqttPort: Int = Environment.value("HOOKCAST_MQTT_PORT", or: 1883)

    @Option(
        name: .customLong("mqtt-username"),
        help: "MQTT user name (HOOKCAST_MQTT_USERNAME); default: the device id when a password is given.")
    var mqttUsername: String?

    @Option(
        name: .customLong("mqtt-password-file"),
        help: """
            File holding the device's broker password, as the gateway gave it when the device was created \
            (HOOKCAST_MQTT_PASSWORD_FILE). HOOKCAST_MQTT_PASSWORD takes precedence.
            """)
    var mqttPasswordFile: String?

    @OptionGroup var mqttTLS: MQTTTLSOptions

    @OptionGroup var topicPrefix: TopicPrefixOption

    @Option(name: .customLong("hooks"), help: "Directory of hook executables named after the functions.")
    var hooksDirectory: String?

    @Option(name: .customLong("hook-timeout"), help: "Seconds a hook may run before it is killed.")
    var hookTimeout: Int = 30

    @Option(name: .customLong("state-file"), help: "JSON file keeping the player state across restarts.")
    var stateFile: String?

    @Option(name: .customLong("session-expiry"), help: "Seconds the broker queues commands while the device is away.")
    var sessionExpiry: UInt32 = 86_400

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (HOOKCAST_LOG_LEVEL).")
    var logLevel: String = Environment.value("HOOKCAST_LOG_LEVEL") ?? "info"

    func validate() throws {
        try Environment.checkParsed()
        switch (id, fleet.count) {
        case (nil, nil): throw ValidationError("Give --id for one device, or --count for a simulated fleet.")
        case (.some, .some): throw ValidationError("--id and --count exclude each other.")
        case (nil, .some(let count)) where count < 1: throw ValidationError("--count must be at least 1.")
        default: break
        }
        guard hookTimeout > 0 else { throw ValidationError("--hook-timeout must be at least 1 second.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level '\(logLevel)'.") }
    }

    func run() async throws {
        guard let id else { return try await runFleet() }
        let deviceID: DeviceID
        do {
            deviceID = try DeviceID(id, field: "--id")
        } catch {
            throw ValidationError("\(error)")
        }
        var logger = Logger(label: "hookcast.device")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        logger[metadataKey: "device_id"] = "\(deviceID)"
        let password = try brokerPassword()
        let agent = try DeviceAgent(
            configuration: DeviceAgent.Configuration(
                deviceID: deviceID,
                mqttHost: mqttHost,
                mqttPort: mqttPort,
                username: mqttUsername ?? Environment.value("HOOKCAST_MQTT_USERNAME")
                    ?? (password == nil ? nil : deviceID.rawValue),
                password: password,
                mqttTLS: try mqttTLS.tlsConfiguration(),
                sessionExpiry: sessionExpiry,
                hooksDirectory: hooksDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
                hookTimeout: .seconds(hookTimeout),
                stateFile: stateFile.map { URL(fileURLWithPath: $0) },
                logger: logger,
                topics: try topicPrefix.topics()
            ))
        let signals = StopSignals { [logger] signal in
            logger.notice("stopping", metadata: ["signal": "\(signal)"])
            Task { await agent.stop() }
        }
        defer { signals.cancel() }
        try await agent.run()
    }
}

/// SIGINT and SIGTERM, delivered on a dispatch queue instead of killing the process, so the agent can say
/// `offline` and disconnect cleanly.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(onSignal: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "hookcast.device.signals")
        sources = [SIGINT, SIGTERM].map { number in
            // The default action would end the process before the handler runs.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

extension DeviceCommand {
    /// Secrets from the environment or a file only: a command line is visible to every user in `ps`.
    func brokerPassword() throws -> String? {
        if let password = Environment.value("HOOKCAST_MQTT_PASSWORD") { return password }
        guard let mqttPasswordFile = mqttPasswordFile ?? Environment.value("HOOKCAST_MQTT_PASSWORD_FILE") else {
            return nil
        }
        do {
            let password = try String(contentsOfFile: mqttPasswordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !password.isEmpty else { throw ValidationError("\(mqttPasswordFile) is empty.") }
            return password
        } catch let error as ArgumentParser.ValidationError {
            throw error
        } catch {
            throw ValidationError("Cannot read the broker password in \(mqttPasswordFile): \(error)")
        }
    }
}
