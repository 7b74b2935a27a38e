import CMosquitto

/// An MQTT v5 reason code, as carried by CONNACK, PUBACK, SUBACK and DISCONNECT.
public struct MQTTReasonCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ code: Int32) { self.rawValue = UInt8(truncatingIfNeeded: code) }

    public static let success = MQTTReasonCode(rawValue: 0)
    /// PUBACK: the broker accepted the message but no subscriber matched. Information, not failure.
    public static let noMatchingSubscribers = MQTTReasonCode(rawValue: 16)
    public static let unspecifiedError = MQTTReasonCode(rawValue: 128)
    public static let malformedPacket = MQTTReasonCode(rawValue: 129)
    public static let protocolError = MQTTReasonCode(rawValue: 130)
    public static let implementationSpecificError = MQTTReasonCode(rawValue: 131)
    public static let badUserNameOrPassword = MQTTReasonCode(rawValue: 134)
    public static let notAuthorized = MQTTReasonCode(rawValue: 135)
    public static let serverUnavailable = MQTTReasonCode(rawValue: 136)
    public static let serverBusy = MQTTReasonCode(rawValue: 137)
    public static let sessionTakenOver = MQTTReasonCode(rawValue: 142)
    public static let topicNameInvalid = MQTTReasonCode(rawValue: 144)
    public static let packetTooLarge = MQTTReasonCode(rawValue: 149)
    public static let quotaExceeded = MQTTReasonCode(rawValue: 151)
    public static let payloadFormatInvalid = MQTTReasonCode(rawValue: 153)

    /// Codes of 0x80 and above report a failure.
    public var isFailure: Bool { rawValue >= 0x80 }

    /// The protocol's name for the code, such as "Not authorized".
    public var description: String {
        "\(String(cString: mosquitto_reason_string(Int32(rawValue)))) (\(rawValue))"
    }
}
