import Foundation
import HookcastCore
import HookcastProtocol

/// Turns a message on a device's `acks` or `status` topic into what the inbox keeps, or says why it is dropped.
/// Pure, so hostile payloads are tested without a broker; `AcknowledgementCollector` counts and logs the drops.
struct DeviceMessageReader: Sendable {
    var topics = Topics.standard

    enum Reading: Sendable, Equatable {
        case acknowledgement(AcknowledgementRecord)
        case presence(DevicePresence)
        /// An acknowledgement that is not recorded, and why (the label of
        /// `hookcast_acknowledgements_ignored_total`); the device named by its topic, for the log.
        case ignoredAcknowledgement(GatewayMetrics.IgnoredReason, device: DeviceID)
        /// Anything else nobody reads: presence that cannot be read, a topic of another shape.
        case ignored
    }

    func read(topic: String, payload: [UInt8], receivedAt: Date) -> Reading {
        guard let levels = TopicLevels(topic, under: topics), levels.count == 3, levels[0] == "devices",
            let device = try? DeviceID(String(levels[1]))
        else { return .ignored }
        if levels[2] == "acks" { return readAcknowledgement(payload, from: device, receivedAt: receivedAt) }
        guard !payload.isEmpty, let status = try? PresenceMessage.decode(payload), status.deviceID == device
        else { return .ignored }
        // The time of receipt, not a time from the device: its clock may be wrong, and the gateway's says when
        // the state was last heard.
        return .presence(
            DevicePresence(
                deviceID: device, online: status.status == .online, since: status.since,
                agentVersion: status.agentVersion, state: status.state,
                stateReportedAt: status.state == nil ? nil : receivedAt))
    }

    private func readAcknowledgement(_ payload: [UInt8], from device: DeviceID, receivedAt: Date) -> Reading {
        // Before any parsing: a device account must not make the gateway read megabytes.
        guard payload.count <= Acknowledgement.maximumSize else {
            return .ignoredAcknowledgement(.tooLarge, device: device)
        }
        let acknowledgement: Acknowledgement
        do {
            acknowledgement = try Acknowledgement.decode(payload)
        } catch is Acknowledgement.TooLarge {
            return .ignoredAcknowledgement(.tooLarge, device: device)
        } catch {
            return .ignoredAcknowledgement(.malformed, device: device)
        }
        // A device may only answer for itself: its topic names it.
        guard acknowledgement.deviceID == device else { return .ignoredAcknowledgement(.otherDevice, device: device) }
        return .acknowledgement(
            AcknowledgementRecord(
                commandID: acknowledgement.commandID, deviceID: device,
                state: DeliveryState(acknowledgement.status), detail: acknowledgement.detail,
                executedAt: acknowledgement.executedAt, receivedAt: receivedAt))
    }
}
