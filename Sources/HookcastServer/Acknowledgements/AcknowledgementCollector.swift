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
    static func acknowledgementFilter(shareGroup: String, topics: Topics) -> String {
        "$share/\(shareGroup)/\(topics.root)/devices/+/acks"
    }
    /// Presence is retained, and retained messages are not sent to shared subscriptions: every instance reads it.
    static func statusFilter(_ topics: Topics) -> String { "\(topics.root)/devices/+/status" }
    /// Messages waiting to be parsed, per subscription: past 8,192 the client drops and counts them, and a payload
    /// over the message's limit (16 KiB for both) it drops before buffering, so a flood holds at most 128 MiB per
    /// subscription. Parsing keeps up with the broker's bursts (a fleet's retained presence at start), so only a
    /// flood fills it; a dropped acknowledgement comes again after redelivery.
    static let acknowledgementBuffering = MQTTSubscription.Buffering.bounded(
        8_192, maximumPayloadSize: Acknowledgement.maximumSize)
    static let statusBuffering = MQTTSubscription.Buffering.bounded(
        8_192, maximumPayloadSize: PresenceMessage.maximumSize)

    let client: MQTTClient
    /// Made before the broker connection starts (see `subscribeEarly`); taken over by `run`.
    let earlySubscriptions: [MQTTSubscription]
    let deliveries: any DeliveryRepository
    let watchers: CommandWatchers
    let live: LiveEvents
    /// Told of presence, for the devices that came back online.
    let delivery: DeliveryService
    let metrics: GatewayMetrics
    let logger: Logger
    let reader: DeviceMessageReader
    /// The warnings for refused messages, bounded for a fleet-wide fault.
    let refusals: DeviceRefusalLog

    /// Subscribes before the client connects: the gateway's session is persistent, and the acknowledgements the
    /// broker kept while the gateway was down arrive right after CONNACK; a subscription made later would miss them.
    static func subscribeEarly(
        client: MQTTClient, shareGroup: String, topics: Topics
    ) async throws -> [MQTTSubscription] {
        [
            try await client.subscribe(
                to: acknowledgementFilter(shareGroup: shareGroup, topics: topics), buffering: acknowledgementBuffering),
            try await client.subscribe(to: statusFilter(topics), buffering: statusBuffering),
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
        let buffering =
            first.filter == Self.statusFilter(reader.topics) ? Self.statusBuffering : Self.acknowledgementBuffering
        await client.consumeResubscribing(first, buffering: buffering, logger: logger, isDone: { inbox.isFinished }) {
            messages in
            var counted = SubscriptionDrops()
            for await message in messages {
                metrics.deviceMessagesDropped(inbox.add(parse(message)))
                // Read after each message: what the client dropped meanwhile is counted with the next one read (a
                // flood of nothing but oversized payloads shows with the next message that fits).
                count(counted.update(from: messages), on: messages.filter)
            }
        }
    }

    /// What the client dropped before parsing: an oversized acknowledgement is one refused as too large;
    /// the rest (a full buffer, oversized presence) are counted as unparsed.
    private func count(_ drops: (full: Int, oversized: Int), on filter: String) {
        if filter == Self.statusFilter(reader.topics) {
            metrics.deviceMessagesDropped(.init(subscription: drops.full + drops.oversized))
        } else {
            metrics.deviceMessagesDropped(.init(subscription: drops.full))
            metrics.acknowledgementsIgnored(drops.oversized, reason: .tooLarge)
        }
    }

    private func write(from inbox: AcknowledgementInbox) async {
        for await _ in inbox.signals {
            let (acknowledgements, presence) = inbox.takeAll()
            let notStored: AcknowledgementsNotStored
            do {
                try await deliveries.updatePresence(presence)
                delivery.presenceChanged(presence)
                notStored = try await deliveries.record(acknowledgements)
            } catch {
                // Kept for the next write rather than dropped; the store reports its own trouble.
                logger.error("acknowledgements not stored yet", metadata: ["error": "\(error)"])
                metrics.deviceMessagesDropped(inbox.putBack(acknowledgements, presence))
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            metrics.acknowledgementsIgnored(notStored.unknownCommand.count, reason: .unknownCommand)
            metrics.acknowledgementsIgnored(notStored.notExpected.count, reason: .notExpected)
            let recorded = notStored.stored(of: acknowledgements)
            metrics.acknowledgementsRecorded(recorded)
            if let first = notStored.unknownCommand.first {
                logger.warning(
                    "acknowledgements for unknown commands",
                    metadata: ["count": "\(notStored.unknownCommand.count)", "first_command_id": "\(first.commandID)"])
            }
            if let first = notStored.notExpected.first {
                logger.warning(
                    "acknowledgements from devices the command was not sent to, counted as extra",
                    metadata: ["count": "\(notStored.notExpected.count)", "first_device": "\(first.deviceID)"])
            }
            let answers = Dictionary(recorded.map { ($0.commandID, 1) }, uniquingKeysWith: +)
            watchers.notify(answers: answers)
            live.commandsChanged(Set(answers.keys))
            live.presenceChanged(presence)
        }
    }

    private func parse(_ message: MQTTMessage) -> AcknowledgementInbox.Item {
        switch reader.read(topic: message.topic, payload: message.payload, receivedAt: Date()) {
        case .acknowledgement(let record):
            logRead(record, properties: message.properties)
            return .acknowledgement(record)
        case .presence(let presence, let unreadableState):
            if let unreadableState {
                metrics.reportedStateRefused()
                refusals.refused(
                    "state", reason: "invalid_state", device: presence.deviceID.rawValue,
                    detail: ["field": "\(unreadableState)"])
            }
            return .presence(presence)
        case .ignored: return .ignored
        case .ignoredAcknowledgement(let reason, let device):
            metrics.acknowledgementsIgnored(1, reason: reason)
            refusals.refused("acknowledgement", reason: reason.rawValue, device: device.rawValue)
            return .ignored
        case .refusedPresence(let reason, let device):
            metrics.presenceRefused(reason)
            refusals.refused("presence", reason: reason.rawValue, device: device)
            return .ignored
        }
    }
}

/// A subscription's drop counts as last reported, so each report adds only what is new.
private struct SubscriptionDrops {
    var full = 0
    var oversized = 0

    mutating func update(from subscription: MQTTSubscription) -> (full: Int, oversized: Int) {
        let (full, oversized) = (subscription.droppedMessages, subscription.oversizedMessages)
        defer { (self.full, self.oversized) = (full, oversized) }
        return (full - self.full, oversized - self.oversized)
    }
}
