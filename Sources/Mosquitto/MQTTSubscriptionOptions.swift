import CMosquitto

/// What the broker is asked for one filter (MQTT v5 subscription options).
public struct MQTTSubscriptionOptions: Sendable, Hashable {
    public var qos: MQTTQoS
    /// Live messages keep the retain flag they were published with (v5's Retain As Published). Without it the
    /// broker clears the flag on everything but the retained messages sent on subscribing, so a subscriber
    /// cannot tell that a Last Will or any other live message was retained.
    public var retainAsPublished: Bool

    public init(qos: MQTTQoS = .atLeastOnce, retainAsPublished: Bool = false) {
        self.qos = qos
        self.retainAsPublished = retainAsPublished
    }

    /// The broker holds one subscription per filter, so receivers sharing a filter share its options: the highest
    /// QoS any asked for, and the retain flag as published when any asked for it.
    func merged(with other: MQTTSubscriptionOptions) -> MQTTSubscriptionOptions {
        MQTTSubscriptionOptions(
            qos: max(qos, other.qos), retainAsPublished: retainAsPublished || other.retainAsPublished)
    }

    /// The options byte of `mosquitto_subscribe_v5`, beside its separate QoS argument.
    var flags: Int32 {
        retainAsPublished ? Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue) : 0
    }
}
