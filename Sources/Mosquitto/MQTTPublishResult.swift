/// What the broker answered to a publish.
public struct MQTTPublishResult: Sendable, Hashable {
    /// The PUBACK reason code for QoS 1 and 2; `success` for QoS 0 once the packet was written.
    public var reasonCode: MQTTReasonCode

    /// The broker took the message but no subscription matched it (reason code 16).
    public var hadNoMatchingSubscribers: Bool { reasonCode == .noMatchingSubscribers }
}
