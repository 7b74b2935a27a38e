import ArgumentParser
import Foundation
import HookcastCore
import HookcastProtocol
import HookcastServer
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: webhook and admin HTTP APIs, connected to the MQTT broker."
    )

    @Option(help: "Address to listen on (HOOKCAST_ADDRESS).")
    var address: String = Environment.value("HOOKCAST_ADDRESS") ?? "127.0.0.1"

    @Option(help: "HTTP port (HOOKCAST_PORT).")
    var port: Int = Environment.value("HOOKCAST_PORT", or: 8080)

    @Option(name: .customLong("data-dir"), help: "Data directory, created on first start (HOOKCAST_DATA_DIR).")
    var dataDirectory: String = Environment.value("HOOKCAST_DATA_DIR") ?? "data"

    @Option(
        name: .customLong("store"),
        help: """
            Where the records are kept: sqlite (the file in the data directory) or \
            postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require&pool_size=N] (HOOKCAST_STORE). \
            The password goes in HOOKCAST_STORE_PASSWORD (or in HOOKCAST_STORE), not on the command line.
            """)
    var store: String = Environment.value("HOOKCAST_STORE") ?? "sqlite"

    @Option(name: .customLong("mqtt-host"), help: "MQTT broker host (HOOKCAST_MQTT_HOST).")
    var mqttHost: String = Environment.value("HOOKCAST_MQTT_HOST") ?? "127.0.0.1"

    @Option(name: .customLong("mqtt-port"), help: "MQTT broker port (HOOKCAST_MQTT_PORT).")
    var mqttPort: Int = Environment.value("HOOKCAST_MQTT_PORT", or: 1883)

    @Option(name: .customLong("mqtt-username"), help: "MQTT user name (HOOKCAST_MQTT_USERNAME).")
    var mqttUsername: String?

    @OptionGroup var mqttTLS: MQTTTLSOptions

    @OptionGroup var topicPrefix: TopicPrefixOption

    @Option(
        name: .customLong("mqtt-credentials"),
        help: """
            JSON file with the gateway's broker user name and password, as `hookcast broker-setup` writes it \
            (HOOKCAST_MQTT_CREDENTIALS; default: mqtt-gateway.json in the data directory, when it exists). \
            HOOKCAST_MQTT_USERNAME and HOOKCAST_MQTT_PASSWORD take precedence.
            """)
    var mqttCredentials: String?

    @Option(
        name: .customLong("device-accounts"),
        help: """
            Who manages devices' broker accounts: plugin (the gateway, through Hookcast's broker plugin) or none \
            (HOOKCAST_DEVICE_ACCOUNTS). dynamic-security is still read as plugin, for old configurations.
            """)
    var deviceAccounts: String =
        Environment.value("HOOKCAST_DEVICE_ACCOUNTS") ?? DeviceAccountsMode.plugin.rawValue

    @Option(
        name: .customLong("mqtt-client-id"),
        help: "MQTT client id of this instance; its broker session outlives restarts (HOOKCAST_MQTT_CLIENT_ID).")
    var mqttClientID: String = Environment.value("HOOKCAST_MQTT_CLIENT_ID") ?? "hookcast-gateway"

    @Option(
        name: .customLong("mqtt-session-expiry"),
        help: """
            Seconds the broker keeps this gateway's session, and the acknowledgements sent to it, while it is away \
            (HOOKCAST_MQTT_SESSION_EXPIRY; default 86400, or 30 with --instances above 1: the broker goes on \
            handing a stopped gateway its share of the acknowledgements until its session ends).
            """)
    var mqttSessionExpiry: UInt32? = Environment.value("HOOKCAST_MQTT_SESSION_EXPIRY", as: UInt32.self)

    @Option(name: .customLong("public-url"), help: "Server root for generated trigger URLs (HOOKCAST_PUBLIC_URL).")
    var publicURL: String?

    @Option(
        name: .customLong("ack-deadline"),
        help: "Seconds a device has to acknowledge before it counts as timed out (HOOKCAST_ACK_DEADLINE).")
    var acknowledgementDeadline: Int = Environment.value("HOOKCAST_ACK_DEADLINE", or: 30)

    @Option(
        name: .customLong("retention"),
        help: """
            How long finished commands (with each device's answer), delivery reports and CAP alerts are kept: 30d, \
            12h, 90m, a number of days, or 0 for ever (HOOKCAST_RETENTION).
            """)
    var retention: String = Environment.value("HOOKCAST_RETENTION") ?? "30d"

    @Option(
        name: .customLong("audit-retention"),
        help: "How long audit entries are kept, as --retention (HOOKCAST_AUDIT_RETENTION).")
    var auditRetention: String = Environment.value("HOOKCAST_AUDIT_RETENTION") ?? "365d"

    @Option(
        name: .customLong("rate-limit"),
        help: "Webhooks per second each API key may send on average (HOOKCAST_RATE_LIMIT); keys may have their own.")
    var rateLimit: Double = Environment.value("HOOKCAST_RATE_LIMIT", or: 100.0)

    @Option(
        name: .customLong("rate-burst"),
        help: "Webhooks an API key may send at once before the rate applies (HOOKCAST_RATE_BURST).")
    var rateBurst: Int = Environment.value("HOOKCAST_RATE_BURST", or: 200)

    @Option(
        name: .customLong("instances"),
        help: """
            How many gateways share the --store database behind one load balancer (HOOKCAST_INSTANCES): each \
            holds every API key to that share of its rate limit.
            """)
    var instances: Int = Environment.value("HOOKCAST_INSTANCES", or: 1)

    @Option(
        name: .customLong("max-concurrent-requests"),
        help: "Requests handled at once; past it, 503 with Retry-After (HOOKCAST_MAX_CONCURRENT_REQUESTS).")
    var maximumConcurrentRequests: Int =
        Environment.value("HOOKCAST_MAX_CONCURRENT_REQUESTS", or: 1024)

    @Option(
        name: .customLong("max-waits-per-key"),
        help: "?wait webhooks held per API key; more get no report (HOOKCAST_MAX_WAITS_PER_KEY; 0: concurrent / 4).")
    var maximumWaitsPerKey: Int = Environment.value("HOOKCAST_MAX_WAITS_PER_KEY", or: 0)

    @Option(
        name: .customLong("metrics-address"),
        help: """
            host:port of a second listener that serves /metrics alone; the public listener then does not \
            (HOOKCAST_METRICS_ADDRESS).
            """)
    var metricsAddress: String?

    @Option(
        name: .customLong("admin-sign-in-burst"),
        help: """
            Wrong admin tokens one client address may present at once; then one more every 6 s, past it 429 \
            (HOOKCAST_ADMIN_SIGN_IN_BURST).
            """)
    var adminSignInBurst: Int = Environment.value("HOOKCAST_ADMIN_SIGN_IN_BURST", or: 10)

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (HOOKCAST_LOG_LEVEL).")
    var logLevel: String = Environment.value("HOOKCAST_LOG_LEVEL") ?? "info"

    func validate() throws {
        try Environment.checkParsed()
        do {
            _ = try RateLimit(perSecond: rateLimit, burst: rateBurst).validated()
        } catch {
            throw ValidationError("--rate-limit must be above 0 and --rate-burst at least 1.")
        }
        guard instances >= 1 else {
            throw ValidationError("--instances must be at least 1.")
        }
        guard DeviceAccountsMode(option: deviceAccounts) != nil else {
            throw ValidationError("--device-accounts must be plugin or none.")
        }
        guard maximumConcurrentRequests >= 1 else {
            throw ValidationError("--max-concurrent-requests must be at least 1.")
        }
        guard maximumWaitsPerKey >= 0 else {
            throw ValidationError("--max-waits-per-key must be 0 (a quarter of --max-concurrent-requests) or more.")
        }
        if let metricsAddress = metricsAddress ?? Environment.value("HOOKCAST_METRICS_ADDRESS"),
            MetricsAddress(metricsAddress) == nil
        {
            throw ValidationError("--metrics-address must be host:port, e.g. 127.0.0.1:9090 or [::1]:9090.")
        }
        guard adminSignInBurst >= 1 else { throw ValidationError("--admin-sign-in-burst must be at least 1.") }
        // Refused here, before the data directory is opened or locked, rather than at the token's first use.
        if let token = Environment.value("HOOKCAST_ADMIN_TOKEN"), !token.isEmpty,
            token.count < AdminToken.minimumLength
        {
            throw ValidationError(AdminTokenError.tooShort.description)
        }
        _ = try retentionPolicy()
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level '\(logLevel)'.") }
        do {
            _ = try storeLocation()
        } catch {
            throw ValidationError("--store: \(error)")
        }
    }

    /// A gateway's session among several: mosquitto hands each member of the shared subscription its share of the
    /// acknowledgements even while it is disconnected, and keeps them in its session until it returns or the
    /// session ends; then the devices answer the redelivery to a gateway that is there.
    static let sharedSessionExpiry: UInt32 = 30

    func retentionPolicy() throws -> RetentionPolicy {
        do {
            return RetentionPolicy(
                commands: try RetentionPolicy.parse(retention, option: "--retention"),
                audit: try RetentionPolicy.parse(auditRetention, option: "--audit-retention"))
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--store` with the password from HOOKCAST_STORE_PASSWORD when the URL has none.
    func storeLocation() throws -> StoreLocation {
        try StoreLocation(option: store, password: Environment.value("HOOKCAST_STORE_PASSWORD"))
    }

    func run() async throws {
        var logger = Logger(label: "hookcast")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let credentials = try brokerCredentials()
        var configuration = ServerConfiguration(
            address: address,
            port: port,
            dataDirectory: URL(fileURLWithPath: dataDirectory),
            mqttHost: mqttHost,
            mqttPort: mqttPort,
            mqttUsername: credentials.username,
            mqttPassword: credentials.password,
            mqttTLS: try mqttTLS.tlsConfiguration(),
            mqttClientID: mqttClientID,
            deviceAccounts: DeviceAccountsMode(option: deviceAccounts) ?? .plugin,
            // Secrets from the environment only: a command line is visible to every user in `ps`.
            adminToken: Environment.value("HOOKCAST_ADMIN_TOKEN"),
            adminSignInBurst: adminSignInBurst,
            publicURL: publicURL ?? Environment.value("HOOKCAST_PUBLIC_URL"),
            acknowledgementDeadline: .seconds(max(acknowledgementDeadline, 1)),
            webhookRateLimit: RateLimit(perSecond: rateLimit, burst: rateBurst),
            maximumConcurrentRequests: maximumConcurrentRequests,
            maximumWaitsPerKey: maximumWaitsPerKey > 0 ? maximumWaitsPerKey : nil
        )
        configuration.store = try storeLocation()
        configuration.topics = try topicPrefix.topics()
        configuration.gatewayInstances = instances
        configuration.retention = try retentionPolicy()
        configuration.mqttSessionExpiry =
            mqttSessionExpiry ?? (instances > 1 ? Self.sharedSessionExpiry : configuration.mqttSessionExpiry)
        // The URL came from the command line (not HOOKCAST_STORE) with a password in it.
        if store != Environment.value("HOOKCAST_STORE"), (try? StoreLocation(option: store))?.hasPassword == true {
            logger.warning(
                """
                The store's password is on the command line, where every user of this machine can read it (ps); \
                give it in HOOKCAST_STORE_PASSWORD or HOOKCAST_STORE instead.
                """)
        }
        configuration.metricsAddress = (metricsAddress ?? Environment.value("HOOKCAST_METRICS_ADDRESS")).flatMap {
            MetricsAddress($0)
        }
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}

extension ServeCommand {
    /// The user name and password for the broker: from the environment, else from the credentials file.
    func brokerCredentials() throws -> (username: String?, password: String?) {
        let username = mqttUsername ?? Environment.value("HOOKCAST_MQTT_USERNAME")
        // Secrets from the environment or a file only: a command line is visible to every user in `ps`.
        if let password = Environment.value("HOOKCAST_MQTT_PASSWORD") { return (username, password) }
        let explicit = mqttCredentials ?? Environment.value("HOOKCAST_MQTT_CREDENTIALS")
        let file = URL(fileURLWithPath: explicit ?? "\(dataDirectory)/\(BrokerSetupCommand.credentialsFileName)")
        guard explicit != nil || FileManager.default.fileExists(atPath: file.path) else { return (username, nil) }
        do {
            let stored = try BrokerCredentials.load(from: file)
            return (username ?? stored.username, stored.password)
        } catch {
            throw ValidationError("Cannot read the broker credentials in \(file.path): \(error)")
        }
    }
}
