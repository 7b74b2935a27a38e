/// A message received on a subscription. Everything is copied out of libmosquitto's buffers.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool
    public var properties: MQTTPublishProperties

    public init(
        topic: String,
        payload: [UInt8],
        qos: MQTTQoS,
        retain: Bool,
        properties: MQTTPublishProperties = .none
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }

    /// The payload decoded as UTF-8, with invalid sequences repaired.
    public var payloadString: String { String(decoding: payload, as: UTF8.self) }
}

/// Called on an MQTT client's network thread for each message of a subscription made with it
/// (`MQTTClient.subscribe(to:options:handler:)`).
public typealias MQTTMessageHandler = @Sendable (MQTTMessage) -> Void
