/// MQTT quality of service.
public enum MQTTQoS: Int32, Sendable, CaseIterable, Comparable {
    /// Fire and forget: no acknowledgement, may be lost.
    case atMostOnce = 0
    /// Acknowledged with PUBACK; may be delivered more than once.
    case atLeastOnce = 1
    /// Four-way handshake; delivered exactly once.
    case exactlyOnce = 2

    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }
}
