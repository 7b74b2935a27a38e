import HookcastProtocol

/// Why the gateway did not take a device's presence message: the `reason` label of
/// `hookcast_device_messages_refused_total{kind="presence"}`. Each names the rule of docs/protocol.md ("Presence")
/// the message broke, so a firmware author reads the fix off the label.
enum PresenceRefusal: String, Sendable, CaseIterable {
    /// Not a JSON object in UTF-8 (or nested deeper than `UntrustedJSON` reads).
    case malformed
    /// Over `PresenceMessage.maximumSize` bytes, refused unread.
    case tooLarge = "too_large"
    /// `v` absent or not an integer.
    case badVersion = "bad_version"
    /// `device_id` absent or not an identifier, or the topic's device level not one.
    case badDeviceID = "bad_device_id"
    /// `device_id` names another device than the topic it came on.
    case otherDevice = "other_device"
    /// `status` absent or neither `online` nor `offline`.
    case badStatus = "bad_status"
    /// `agent_version` absent or not a string.
    case missingAgentVersion = "missing_agent_version"
    /// `since` absent or not an ISO-8601 UTC timestamp with milliseconds.
    case badTimestamp = "bad_timestamp"

    /// The first rule `PresenceMessage.decode` found broken, from the error it threw.
    init(decodingFailure error: any Error) {
        let field: String?
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            field = context.codingPath.first?.stringValue ?? key.stringValue
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            field = context.codingPath.first?.stringValue
        case let invalid as ValidationError:
            field = invalid.field
        default:
            field = nil
        }
        switch field {
        case "v": self = .badVersion
        case "device_id": self = .badDeviceID
        case "status": self = .badStatus
        case "agent_version": self = .missingAgentVersion
        case "since": self = .badTimestamp
        // Not JSON, not an object, not UTF-8, too deep: no field to name.
        default: self = .malformed
        }
    }
}
