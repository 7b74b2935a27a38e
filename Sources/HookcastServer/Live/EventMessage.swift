import Foundation
import HookcastCore

/// The `data:` of each kind of event, and how one is written on the wire.
enum EventMessage {
    struct Hello: Encodable {
        let ackDeadlineSeconds: Int
        let heartbeatSeconds: Int
        enum CodingKeys: String, CodingKey {
            case ackDeadlineSeconds = "ack_deadline_seconds"
            case heartbeatSeconds = "heartbeat_seconds"
        }
    }

    struct Empty: Encodable {}

    struct Presence: Encodable {
        let presence: DevicePresence
        enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case online
            case onlineSince = "online_since"
            case agentVersion = "agent_version"
            case reportedState = "reported_state"
            case reportedStateAt = "reported_state_at"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(presence.deviceID.rawValue, forKey: .deviceID)
            try container.encode(presence.online, forKey: .online)
            try container.encode(presence.since, forKey: .onlineSince)
            try container.encodeIfPresent(presence.agentVersion, forKey: .agentVersion)
            // Only when this message carried one: a Last Will has none, and the device's last state still holds.
            try container.encodeIfPresent(presence.state, forKey: .reportedState)
            try container.encodeIfPresent(presence.stateReportedAt, forKey: .reportedStateAt)
        }
    }

    /// `event: NAME` and one `data:` line: the JSON encoder writes no raw newline, so one line always suffices.
    static func event(_ name: String, _ value: some Encodable) -> String {
        let data = (try? HookcastRequestContext.encoder.encode(value)) ?? Data("{}".utf8)
        return "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}
