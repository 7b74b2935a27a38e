import Foundation
import HookcastProtocol

/// Whether a device is connected, as its retained status message and Last Will say, and what it last reported
/// showing.
public struct DevicePresence: Sendable, Equatable, Codable {
    public var deviceID: DeviceID
    public var online: Bool
    public var since: Date
    public var agentVersion: String?
    /// The state the device last reported; nil when this message carried none (a Last Will, an older device),
    /// in which case the stores keep the one reported before.
    public var state: ReportedDeviceState?
    /// When the gateway received `state` (as stored: when it first received the state as it is now).
    public var stateReportedAt: Date?

    public init(
        deviceID: DeviceID, online: Bool, since: Date, agentVersion: String?, state: ReportedDeviceState? = nil,
        stateReportedAt: Date? = nil
    ) {
        self.deviceID = deviceID
        self.online = online
        self.since = since.roundedToMilliseconds
        self.agentVersion = agentVersion
        self.state = state
        self.stateReportedAt = stateReportedAt?.roundedToMilliseconds
    }

    /// This presence as a store keeps it after `previous`: a presence without a state keeps the last one reported
    /// (and its time), and a state reported again unchanged keeps the time it was first received.
    public func merged(over previous: DevicePresence?) -> DevicePresence {
        var merged = self
        merged.agentVersion = agentVersion ?? previous?.agentVersion
        if state == nil || state == previous?.state {
            merged.state = state ?? previous?.state
            merged.stateReportedAt = previous?.stateReportedAt ?? stateReportedAt
        }
        return merged
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id"
        case online, since
        case agentVersion = "agent_version"
        case state = "reported_state"
        case stateReportedAt = "reported_state_at"
    }
}
