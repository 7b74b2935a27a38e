import Foundation

/// Whether a device is connected.
public enum PresenceStatus: String, Codable, Sendable, CaseIterable {
    case online
    case offline
}

/// A device's presence, retained on `Topics.deviceStatus(_:)`:
/// `{"v":1,"device_id":"d1","status":"online","agent_version":"0.1.0","since":"…","state":{…}}`.
///
/// The device publishes `online` after connecting and `offline` before a clean disconnect; its Last Will is the
/// `offline` message, so the broker reports a device that vanished. A will is fixed when the device connects, so its
/// `since` is the connection time rather than the moment the connection was lost.
///
/// `state`, optional, is what the device shows now; a device that reports it publishes `online` again whenever it
/// changes, with the same `since`. Devices that predate it send none, and still count.
public struct PresenceMessage: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    /// Far above any real presence (a state is a few kilobytes at most); a larger payload is not read at all.
    public static let maximumSize = 16 * 1024

    public var version: Int
    public var deviceID: DeviceID
    public var status: PresenceStatus
    public var agentVersion: String
    public var since: Date
    public var state: ReportedDeviceState?
    /// Set by decoding when the payload had a `state` that could not be read (so `state` is nil): the field that
    /// failed, e.g. `state.toast.level`, never its value. The gateway counts and logs it; never encoded.
    public var unreadableStateField: String?

    /// `since` is kept to the millisecond, the precision on the wire.
    public init(
        deviceID: DeviceID,
        status: PresenceStatus,
        agentVersion: String = HookcastVersion.current,
        since: Date,
        state: ReportedDeviceState? = nil
    ) {
        self.version = Self.currentVersion
        self.deviceID = deviceID
        self.status = status
        self.agentVersion = agentVersion
        self.since = since.roundedToMilliseconds
        self.state = state
    }

    /// The payload bytes, keys sorted.
    public func encoded() -> [UInt8] {
        do {
            return Array(try JSONCoding.encoder().encode(self))
        } catch {
            // Unreachable: integers, booleans, strings and a validated identifier always encode.
            assertionFailure("PresenceMessage failed to encode: \(error)")
            return []
        }
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case deviceID = "device_id"
        case status
        case agentVersion = "agent_version"
        case since
        case state
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        deviceID = try container.decode(DeviceID.self, forKey: .deviceID)
        status = try container.decode(PresenceStatus.self, forKey: .status)
        agentVersion = try container.decode(String.self, forKey: .agentVersion)
        since = try container.decodeTimestamp(forKey: .since)
        // Lenient: a state this gateway cannot read (hostile, oversized, or from a newer device) is dropped, and
        // the device's presence still counts.
        do {
            state = try container.decodeIfPresent(ReportedDeviceState.self, forKey: .state)
        } catch {
            state = nil
            unreadableStateField = Self.failedField(error)
        }
    }

    /// The dotted path of the field a decoding error is about, without any value.
    static func failedField(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            CodingPath.fieldName(context.codingPath + [key], default: "state")
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            CodingPath.fieldName(context.codingPath, default: "state")
        default: "state"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(deviceID, forKey: .deviceID)
        try container.encode(status, forKey: .status)
        try container.encode(agentVersion, forKey: .agentVersion)
        try container.encode(JSONCoding.timestamp(since), forKey: .since)
        try container.encodeIfPresent(state, forKey: .state)
    }
}
