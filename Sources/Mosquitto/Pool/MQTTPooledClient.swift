/// One client of an `MQTTClientPool`: who it is, its Last Will, and the filters it listens to (QoS 1) from its
/// first connection on.
public struct MQTTPooledClient: Sendable {
    public var clientID: String
    public var username: String?
    public var password: String?
    public var will: MQTTWill?
    /// Subscribed again after every CONNACK, so a reconnected client never depends on the broker's stored session
    /// for what it hears.
    public var subscriptions: [String]

    public init(
        clientID: String,
        username: String? = nil,
        password: String? = nil,
        will: MQTTWill? = nil,
        subscriptions: [String] = []
    ) {
        self.clientID = clientID
        self.username = username
        self.password = password
        self.will = will
        self.subscriptions = subscriptions
    }
}
