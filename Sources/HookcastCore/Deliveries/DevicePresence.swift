import Foundation

/// Whether a device is connected, as its retained status message and Last Will say, and what it last answered.
public struct DevicePresence: Sendable, Equatable, Codable {
    public var deviceID: DeviceID
    public var online: Bool
    public var since: Date
    public var agentVersion: String?

    public init(deviceID: DeviceID, online: Bool, since: Date, agentVersion: String?) {
        self.deviceID = deviceID
        self.online = online
        self.since = since.roundedToMilliseconds
        self.agentVersion = agentVersion
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id"
        case online, since
        case agentVersion = "agent_version"
    }
}
