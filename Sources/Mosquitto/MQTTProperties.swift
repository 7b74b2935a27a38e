/// A user property: a name and value pair carried by MQTT v5 packets, in order, duplicates allowed.
public struct MQTTUserProperty: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The MQTT v5 properties of a PUBLISH (and of a Last Will) that Hookcast uses.
public struct MQTTPublishProperties: Hashable, Sendable {
    /// Seconds after which the broker discards the message if it has not been delivered.
    public var messageExpiryInterval: UInt32?
    /// Opaque bytes a request/response exchange uses to match a reply to its request.
    public var correlationData: [UInt8]?
    /// The topic a receiver should answer on.
    public var responseTopic: String?
    /// MIME type of the payload, e.g. `application/json`.
    public var contentType: String?
    public var userProperties: [MQTTUserProperty]

    public init(
        messageExpiryInterval: UInt32? = nil,
        correlationData: [UInt8]? = nil,
        responseTopic: String? = nil,
        contentType: String? = nil,
        userProperties: [MQTTUserProperty] = []
    ) {
        self.messageExpiryInterval = messageExpiryInterval
        self.correlationData = correlationData
        self.responseTopic = responseTopic
        self.contentType = contentType
        self.userProperties = userProperties
    }

    public static let none = MQTTPublishProperties()

    var isEmpty: Bool { self == .none }
}
