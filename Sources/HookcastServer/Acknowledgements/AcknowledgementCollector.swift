import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto
import ServiceLifecycle
import Synchronization

/// Receives every device's acknowledgements and presence and stores them in batches. The MQTT thread reads each
/// acknowledgement into the inbox (`AcknowledgementIntake`) and hands presence over; one writer task stores
/// whatever has accumulated since its last write in one transaction, so the rate of writes adapts to the disk and
/// a slow write never holds up the broker connection.
struct AcknowledgementCollector: Service {
    /// A shared subscription, so several gateway instances can split the acknowledgements between them.
    static func acknowledgementFilter(shareGroup: String, topics: Topics) -> String {
        "$share/\(shareGroup)/\(topics.root)/devices/+/acks"
    }
    /// The acknowledgements Hookcast's broker plugin gathers in batches, shared as the single ones are; a gateway
    /// subscribed here gets no single acknowledgement from the plugin's broker.
    static func gatheredFilter(shareGroup: String, topics: Topics) -> String {
        "$share/\(shareGroup)/\(topics.gatheredAcknowledgements)"
    }
    /// Presence is retained, and retained messages are not sent to shared subscriptions: every instance reads it.
    static func statusFilter(_ topics: Topics) -> String { "\(topics.root)/devices/+/status" }
    /// Presence waiting to be parsed: past 8,192 the client drops and counts it, and a payload over 16 KiB it drops
    /// before buffering, so a flood holds at most 128 MiB. Parsing keeps up with the broker's bursts (a fleet's
    /// retained presence at start), so only a flood fills it. (Acknowledgements are read on arrival, unbuffered.)
    static let statusBuffering = MQTTSubscription.Buffering.bounded(
        8_192, maximumPayloadSize: PresenceMessage.maximumSize)

    let client: MQTTClient
    /// Made before the broker connection starts (see `subscribeEarly`); taken over by `run`.
    let earlySubscriptions: [MQTTSubscription]
    /// The acknowledgement subscription's handler, with the inbox it fills.
    let intake: AcknowledgementIntake
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
    /// `gathered`: the broker runs Hookcast's plugin, so the gateway asks for its batches too (the single
    /// acknowledgements stay subscribed: a broker that gathers nothing still delivers them).
    static func subscribeEarly(
        client: MQTTClient, shareGroup: String, topics: Topics, intake: AcknowledgementIntake, gathered: Bool
    ) async throws -> [MQTTSubscription] {
        var subscriptions = [
            try await client.subscribe(
                to: acknowledgementFilter(shareGroup: shareGroup, topics: topics), handler: intake.take),
            try await client.subscribe(to: statusFilter(topics), buffering: statusBuffering),
        ]
        if gathered {
            subscriptions.append(
                try await client.subscribe(
                    to: gatheredFilter(shareGroup: shareGroup, topics: topics), handler: intake.takeGathered))
        }
        return subscriptions
    }

    func run() async throws {
        let inbox = intake.inbox
        await withDiscardingTaskGroup { group in
            for subscription in earlySubscriptions {
                group.addTask { await consume(subscription, into: inbox) }
            }
            group.addTask {
                for await read in intake.slowLane {
                    metrics.deviceMessagesDropped(inbox.add(take(read.reading, properties: read.message.properties)))
                }
            }
            group.addTask { await write(from: inbox) }
            group.addTask {
                try? await gracefulShutdown()
                inbox.finish()
                intake.finish()
            }
        }
    }

    /// Parses each message of `first` into the inbox (the acknowledgements' subscriptions do that on the network
    /// thread, and only end), and subscribes again to its filter if it ever ends early.
    private func consume(_ first: MQTTSubscription, into inbox: AcknowledgementInbox) async {
        guard first.filter == Self.statusFilter(reader.topics) else {
            let gathered = GatheredAcknowledgements.isSubscription(first.filter, topics: reader.topics)
            let handler = gathered ? intake.takeGathered : intake.take
            let subscribeAgain = { @Sendable [client] in
                try await client.subscribe(to: first.filter, handler: handler)
            }
            await client.consumeResubscribing(
                first, logger: logger, isDone: { inbox.isFinished }, subscribeAgain: subscribeAgain
            ) { messages in
                for await _ in messages {}
            }
            return
        }
        await client.consumeResubscribing(
            first, buffering: Self.statusBuffering, logger: logger, isDone: { inbox.isFinished }
        ) { messages in
            var counted = SubscriptionDrops()
            for await message in messages {
                let reading = reader.read(topic: message.topic, payload: message.payload, receivedAt: Date())
                metrics.deviceMessagesDropped(inbox.add(take(reading, properties: message.properties)))
                // Read after each message: what the client dropped meanwhile is counted with the next one read (a
                // flood of nothing but oversized payloads shows with the next message that fits).
                let drops = counted.update(from: messages)
                metrics.deviceMessagesDropped(.init(subscription: drops.full + drops.oversized))
            }
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

    /// What the inbox keeps of a reading, counting and logging what it refuses.
    private func take(_ reading: DeviceMessageReader.Reading, properties: MQTTPublishProperties)
        -> AcknowledgementInbox.Item
    {
        switch reading {
        case .acknowledgement(let record):
            logRead(record, properties: properties)
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
