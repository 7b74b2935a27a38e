import Foundation
import HookcastCore
import HookcastProtocol

/// Turns a message on a device's `acks` or `status` topic into what the inbox keeps, or says why it is dropped.
/// Pure, so hostile payloads are tested without a broker; `AcknowledgementCollector` counts and logs the drops.
struct DeviceMessageReader: Sendable {
    var topics = Topics.standard

    enum Reading: Sendable, Equatable {
        case acknowledgement(AcknowledgementRecord)
        /// `unreadableState`: the presence came with a `state` that was dropped, and the field that failed.
        case presence(DevicePresence, unreadableState: String?)
        /// An acknowledgement that is not recorded, and why (the label of
        /// `hookcast_acknowledgements_ignored_total`); the device named by its topic, for the log.
        case ignoredAcknowledgement(GatewayMetrics.IgnoredReason, device: DeviceID)
        /// A presence that is not taken, and why; `topicDevice` is the topic's device level (not necessarily a
        /// valid id, so cut to `DeviceID`'s length), for the log.
        case refusedPresence(PresenceRefusal, topicDevice: String)
        /// Nothing to read: an empty retained presence (the gateway clears a deleted device's), a topic of
        /// another shape.
        case ignored
    }

    func read(topic: String, payload: [UInt8], receivedAt: Date) -> Reading {
        guard let levels = TopicLevels(topic, under: topics), levels.count == 3, levels[0] == "devices" else {
            return .ignored
        }
        guard let device = try? DeviceID(String(levels[1])) else {
            return levels[2] == "status" && !payload.isEmpty
                ? .refusedPresence(.badDeviceID, topicDevice: Self.loggable(levels[1])) : .ignored
        }
        if levels[2] == "acks" { return readAcknowledgement(payload, from: device, receivedAt: receivedAt) }
        guard !payload.isEmpty else { return .ignored }
        return readPresence(payload, from: device, receivedAt: receivedAt)
    }

    /// A topic level that is not an identifier, fit for a log line: anyone may have chosen it (a newline, a
    /// megabyte), so it is cut to an identifier's length and every other character is shown as `?`.
    static func loggable(_ level: Substring) -> String {
        String(level.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "?" })
    }

    private func readPresence(_ payload: [UInt8], from device: DeviceID, receivedAt: Date) -> Reading {
        guard payload.count <= PresenceMessage.maximumSize else {
            return .refusedPresence(.tooLarge, topicDevice: device.rawValue)
        }
        let status: PresenceMessage
        do {
            status = try PresenceMessage.decode(payload)
        } catch {
            return .refusedPresence(PresenceRefusal(decodingFailure: error), topicDevice: device.rawValue)
        }
        guard status.deviceID == device else { return .refusedPresence(.otherDevice, topicDevice: device.rawValue) }
        // The time of receipt, not a time from the device: its clock may be wrong, and the gateway's says when
        // the state was last heard.
        return .presence(
            DevicePresence(
                deviceID: device, online: status.status == .online, since: status.since,
                agentVersion: status.agentVersion, state: status.state,
                stateReportedAt: status.state == nil ? nil : receivedAt),
            unreadableState: status.unreadableStateField)
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
