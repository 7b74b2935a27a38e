import Foundation
import HookcastCore
import HookcastProtocol
import Mosquitto

/// Everything `hookcast serve` needs; tests build one with port 0 and a temporary data directory.
public struct ServerConfiguration: Sendable {
    public var address: String
    /// 0 lets the system choose (tests).
    public var port: Int
    public var dataDirectory: URL
    /// Where the records are kept: the SQLite file in `dataDirectory`, or a PostgreSQL database.
    public var store: StoreLocation = .sqlite
    public var mqttHost: String
    public var mqttPort: Int
    public var mqttUsername: String?
    public var mqttPassword: String?
    /// TLS to the broker; nil connects in plain text.
    public var mqttTLS: MQTTClient.TLSConfiguration?
    /// Whether the gateway gives each device its own broker account (Hookcast's broker plugin).
    public var deviceAccounts: DeviceAccountsMode
    /// How long the gateway waits for the broker to confirm an account change before answering 503.
    public var brokerAccountTimeout: Duration
    /// The MQTT client id of this gateway instance.
    public var mqttClientID: String
    /// Seconds the broker keeps this instance's session (and the acknowledgements sent to it) while it is away.
    public var mqttSessionExpiry: UInt32
    /// The admin API token; when nil, one is generated on first start, printed once and stored hashed.
    public var adminToken: String?
    /// Wrong admin tokens a client address may present at once before it must wait (one more every 6 s).
    public var adminSignInBurst: Int
    /// How often a client address earns back one wrong admin token past the burst.
    public var adminSignInRefill: Duration = .seconds(6)
    /// The server root used in generated trigger URLs (e.g. `https://hooks.example.com`); nil uses the Host the
    /// admin request came to.
    public var publicURL: String?
    /// The shared-subscription group for acknowledgements: instances of one deployment (one database) share it
    /// and split the acknowledgements; separate deployments on one broker need different names.
    public var acknowledgementShareGroup: String
    /// While the broker is unreachable, webhooks are stored as queued up to this many waiting commands; beyond it
    /// they are refused with 503 and Retry-After, so a long outage cannot fill the disk.
    public var maximumBacklog: Int
    /// A device that has not acknowledged a command this long after it was issued counts as `timed_out`.
    public var acknowledgementDeadline: Duration
    /// How long a webhook waits for the broker to acknowledge its command before it is answered `"queued": true`
    /// (a broker that stalls without closing the connection); the publish goes on (docs/delivery.md).
    public var publishAnswerDeadline: Duration = .seconds(5)
    /// Each API key's token bucket, unless the key has a limit of its own.
    public var webhookRateLimit: RateLimit
    /// Whether this gateway subscribes to the devices' acknowledgements and presence. Off only in tests that
    /// show another gateway on the same database collecting them for it.
    var collectsDeviceMessages = true
    /// How delivery reports are sent and retried (tests shorten the backoff).
    var callbacks = DeliveryReports.Settings()
    /// How long a CAP feed's server may keep silent before a poll gives up. Tests lengthen it: their feed server
    /// runs in the test process, whose hundreds of tests starting at once can keep it from answering for longer.
    var capFeedTimeout: Duration = .seconds(15)
    /// How many gateways share the database (behind one load balancer): each holds every key to this share of
    /// its rate limit (`RateLimit.share(of:)`).
    public var gatewayInstances: Int = 1
    /// Requests handled at once, over the whole server; past it, 503 with Retry-After.
    public var maximumConcurrentRequests: Int
    /// `?wait` webhooks one API key holds open at once; past it they are answered at once without the report. Nil:
    /// a quarter of `maximumConcurrentRequests` (see `waitsPerKey`).
    public var maximumWaitsPerKey: Int?
    /// A client must send a request's head within this of connecting (or of the previous response) ...
    public var requestHeadTimeout: Duration
    /// ... and the rest of the request within this of its head; slower clients are disconnected.
    public var requestBodyTimeout: Duration
    /// Where a second listener serves `/metrics` alone (then the public listener does not); nil serves it on the
    /// public listener.
    public var metricsAddress: MetricsAddress? = nil
    /// The topic prefix every MQTT topic lives under (`--topic-prefix`); devices and the broker plugin must be
    /// given the same.
    public var topics = Topics.standard
    /// How long finished commands, delivery reports, CAP alerts and audit entries are kept (`RetentionService`).
    public var retention = RetentionPolicy()
    /// How often the leading gateway looks for records past their retention.
    var retentionInterval: Duration = .seconds(600)

    public init(
        address: String = "127.0.0.1",
        port: Int = 8080,
        dataDirectory: URL = URL(fileURLWithPath: "data"),
        mqttHost: String = "127.0.0.1",
        mqttPort: Int = 1883,
        mqttUsername: String? = nil,
        mqttPassword: String? = nil,
        mqttTLS: MQTTClient.TLSConfiguration? = nil,
        mqttClientID: String = "hookcast-gateway",
        deviceAccounts: DeviceAccountsMode = .unmanaged,
        brokerAccountTimeout: Duration = .seconds(10),
        mqttSessionExpiry: UInt32 = 86_400,
        adminToken: String? = nil,
        adminSignInBurst: Int = 10,
        publicURL: String? = nil,
        acknowledgementDeadline: Duration = .seconds(30),
        acknowledgementShareGroup: String = "hookcast",
        maximumBacklog: Int = 100_000,
        webhookRateLimit: RateLimit = RateLimit(perSecond: 100, burst: 200),
        maximumConcurrentRequests: Int = 1024,
        requestHeadTimeout: Duration = .seconds(20),
        requestBodyTimeout: Duration = .seconds(60),
        maximumWaitsPerKey: Int? = nil
    ) {
        self.address = address
        self.port = port
        self.dataDirectory = dataDirectory
        self.mqttHost = mqttHost
        self.mqttPort = mqttPort
        self.mqttUsername = mqttUsername
        self.mqttPassword = mqttPassword
        self.mqttTLS = mqttTLS
        self.mqttClientID = mqttClientID
        self.deviceAccounts = deviceAccounts
        self.brokerAccountTimeout = brokerAccountTimeout
        self.mqttSessionExpiry = mqttSessionExpiry
        self.adminToken = adminToken
        self.adminSignInBurst = adminSignInBurst
        self.publicURL = publicURL
        self.acknowledgementDeadline = acknowledgementDeadline
        self.acknowledgementShareGroup = acknowledgementShareGroup
        self.maximumBacklog = maximumBacklog
        self.webhookRateLimit = webhookRateLimit
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.requestHeadTimeout = requestHeadTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.maximumWaitsPerKey = maximumWaitsPerKey
    }

    /// A quarter by default: one key's waits then leave three quarters of the server's slots to every other key,
    /// the admin API and the console, and 256 (of the default 1,024) waits at once is far more than one sender's
    /// feed needs to see its commands acknowledged.
    var waitsPerKey: Int { maximumWaitsPerKey ?? max(1, maximumConcurrentRequests / 4) }
}

/// Who manages the broker's device accounts.
public enum DeviceAccountsMode: String, Sendable, CaseIterable {
    /// The gateway, through Hookcast's broker plugin: creating a device yields its password, deleting it revokes
    /// the account, group changes apply at once and disconnect nobody.
    case plugin
    /// Someone else (an open test broker, or an integrator's own user database).
    case unmanaged = "none"

    /// The value of `--device-accounts`; `dynamic-security`, the mode before the plugin, still means `plugin`, so
    /// an old service file keeps working.
    public init?(option: String) {
        if option == "dynamic-security" {
            self = .plugin
        } else {
            self.init(rawValue: option)
        }
    }
}
