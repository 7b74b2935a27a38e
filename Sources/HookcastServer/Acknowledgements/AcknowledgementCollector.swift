import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto
import ServiceLifecycle
import Synchronization

/// Receives every device's acknowledgements and presence and stores them in batches. The MQTT thread only hands
/// messages over; one writer task stores whatever has accumulated since its last write in one transaction, so
/// the rate of writes adapts to the disk and a slow write never holds up the broker connection.
struct AcknowledgementCollector: Service {
    /// A shared subscription, so several gateway instances can split the acknowledgements between them.
    static func acknowledgementFilter(shareGroup: String) -> String {
        "$share/\(shareGroup)/hookcast/v1/devices/+/acks"
    }
    /// Presence is retained, and retained messages are not sent to shared subscriptions: every instance reads it.
    static let statusFilter = "hookcast/v1/devices/+/status"

    let client: MQTTClient
    /// Made before the broker connection starts (see `subscribeEarly`); taken over by `run`.
    let earlySubscriptions: [MQTTSubscription]
    let deliveries: any DeliveryRepository
    let watchers: CommandWatchers
    let live: LiveEvents
    let returns: DeviceReturns
    let metrics: GatewayMetrics
    let logger: Logger

    /// Subscribes before the client connects: the gateway's session is persistent, and the acknowledgements the
    /// broker kept while the gateway was down arrive right after CONNACK; a subscription made later would miss them.
    static func subscribeEarly(client: MQTTClient, shareGroup: String) async throws -> [MQTTSubscription] {
        [
            try await client.subscribe(to: acknowledgementFilter(shareGroup: shareGroup)),
            try await client.subscribe(to: statusFilter),
        ]
    }

    func run() async throws {
        let inbox = AcknowledgementInbox()
        await withDiscardingTaskGroup { group in
            for subscription in earlySubscriptions {
                group.addTask { await consume(subscription, into: inbox) }
            }
            group.addTask { await write(from: inbox) }
            group.addTask {
                try? await gracefulShutdown()
                inbox.finish()
            }
        }
    }

    /// Parses each message of `first` into the inbox, and subscribes again to its filter if it ever ends early.
    private func consume(_ first: MQTTSubscription, into inbox: AcknowledgementInbox) async {
        var current: MQTTSubscription? = first
        while !Task.isShuttingDownGracefully && !Task.isCancelled && !inbox.isFinished {
            do {
                let messages: MQTTSubscription
                if let early = current {
                    messages = early
                    current = nil
                } else {
                    messages = try await client.subscribe(to: first.filter)
                }
                await cancelWhenGracefulShutdown {
                    for await message in messages { inbox.add(parse(message)) }
                }
            } catch {
                if client.state == .closed { return }
                logger.debug("acknowledgement subscription not ready", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }

    private func write(from inbox: AcknowledgementInbox) async {
        for await _ in inbox.signals {
            let (acknowledgements, presence) = inbox.takeAll()
            do {
                try await deliveries.updatePresence(presence)
                returns.observe(presence)
                let unknown = try await deliveries.record(acknowledgements)
                metrics.acknowledgementsIgnored(unknown.count, reason: .unknownCommand)
                metrics.acknowledgementsRecorded(
                    unknown.isEmpty ? acknowledgements : acknowledgements.filter { !unknown.contains($0) })
                if !unknown.isEmpty {
                    logger.warning(
                        "acknowledgements for unknown commands",
                        metadata: ["count": "\(unknown.count)", "first_command_id": "\(unknown[0].commandID)"])
                }
            } catch {
                // Kept for the next write rather than dropped; the store reports its own trouble.
                logger.error("acknowledgements not stored yet", metadata: ["error": "\(error)"])
                inbox.putBack(acknowledgements, presence)
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let answered = Set(acknowledgements.map(\.commandID))
            watchers.notify(answered)
            live.commandsChanged(answered)
            live.presenceChanged(presence)
        }
    }

    private func parse(_ message: MQTTMessage) -> AcknowledgementInbox.Item {
        let parts = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, let device = try? DeviceID(String(parts[3])) else { return .ignored }
        if parts[4] == "acks" {
            guard let acknowledgement = try? Acknowledgement.decode(message.payload) else {
                metrics.acknowledgementsIgnored(1, reason: .malformed)
                logger.warning("unreadable acknowledgement", metadata: ["device": "\(device)"])
                return .ignored
            }
            // A device may only answer for itself: its topic names it.
            guard acknowledgement.deviceID == device else {
                metrics.acknowledgementsIgnored(1, reason: .otherDevice)
                logger.warning("acknowledgement for another device refused", metadata: ["topic_device": "\(device)"])
                return .ignored
            }
            return .acknowledgement(
                AcknowledgementRecord(
                    commandID: acknowledgement.commandID, deviceID: device,
                    state: DeliveryState(acknowledgement.status), detail: acknowledgement.detail,
                    executedAt: acknowledgement.executedAt, receivedAt: Date()))
        }
        guard !message.payload.isEmpty, let status = try? PresenceMessage.decode(message.payload),
            status.deviceID == device
        else { return .ignored }
        // The time of receipt, not a time from the device: its clock may be wrong, and the gateway's says when
        // the state was last heard.
        return .presence(
            DevicePresence(
                deviceID: device, online: status.status == .online, since: status.since,
                agentVersion: status.agentVersion, state: status.state,
                stateReportedAt: status.state == nil ? nil : Date()))
    }
}
