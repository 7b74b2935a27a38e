import Foundation
import HookcastCore
import Hummingbird

/// A device with its presence (online or offline, since when), the state it last reported, and its last
/// acknowledgement.
struct DeviceView: ResponseEncodable, Sendable {
    let device: Device
    let presence: DevicePresence?
    let lastAcknowledgement: AcknowledgementRecord?

    struct LastAcknowledgement: Encodable {
        let record: AcknowledgementRecord
        enum CodingKeys: String, CodingKey {
            case commandID = "command_id"
            case state, detail
            case receivedAt = "received_at"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record.commandID.lowercasedString, forKey: .commandID)
            try container.encode(record.state, forKey: .state)
            try container.encodeIfPresent(record.detail, forKey: .detail)
            try container.encode(record.receivedAt, forKey: .receivedAt)
        }
    }

    func encode(to encoder: any Encoder) throws {
        try device.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(presence?.online ?? false, forKey: DynamicKey("online"))
        try container.encodeIfPresent(presence?.since, forKey: DynamicKey("online_since"))
        try container.encodeIfPresent(presence?.agentVersion, forKey: DynamicKey("agent_version"))
        try container.encodeIfPresent(
            lastAcknowledgement.map(LastAcknowledgement.init), forKey: DynamicKey("last_acknowledgement"))
        // Always written, null until the device reports a state: older devices never do.
        try container.encode(presence?.state, forKey: DynamicKey("reported_state"))
        try container.encode(presence?.stateReportedAt, forKey: DynamicKey("reported_state_at"))
    }

    static func all(store: any HookcastStore) async throws -> [DeviceView] {
        let presence = try await store.deliveries.presence()
        let last = try await store.deliveries.lastAcknowledgements()
        return try await store.devices.all().map {
            DeviceView(device: $0, presence: presence[$0.id], lastAcknowledgement: last[$0.id])
        }
    }
}
