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
    /// Messages waiting to be parsed, per subscription: past it the client drops and counts them (a flood of
    /// messages of up to 16 KiB must not grow the gateway's memory without end). Parsing is far faster than the
    /// broker delivers, so only a flood fills it; a dropped acknowledgement comes again after redelivery.
    static let subscriptionBuffering = MQTTSubscription.Buffering.bounded(4_096)

    let client: MQTTClient
    /// Made before the broker connection starts (see `subscribeEarly`); taken over by `run`.
    let earlySubscriptions: [MQTTSubscription]
    let deliveries: any DeliveryRepository
    let watchers: CommandWatchers
    let live: LiveEvents
    let returns: DeviceReturns
    let metrics: GatewayMetrics
    let logger: Logger
    let reader = DeviceMessageReader()

    /// Subscribes before the client connects: the gateway's session is persistent, and the acknowledgements the
    /// broker kept while the gateway was down arrive right after CONNACK; a subscription made later would miss them.
    static func subscribeEarly(client: MQTTClient, shareGroup: String) async throws -> [MQTTSubscription] {
        [
            try await client.subscribe(
                to: acknowledgementFilter(shareGroup: shareGroup), buffering: subscriptionBuffering),
            try await client.subscribe(to: statusFilter, buffering: subscriptionBuffering),
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
                    messages = try await client.subscribe(to: first.filter, buffering: Self.subscriptionBuffering)
                }
                await cancelWhenGracefulShutdown {
                    var droppedBefore = 0
                    for await message in messages {
                        metrics.deviceMessagesDropped(inbox.add(parse(message)))
                        // The buffer drops only while this loop is behind, so the next message sees the count.
                        let dropped = messages.droppedMessages
                        if dropped > droppedBefore {
                            metrics.deviceMessagesDropped(.init(subscription: dropped - droppedBefore))
                            droppedBefore = dropped
                        }
                    }
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
            let notStored: AcknowledgementsNotStored
            do {
                try await deliveries.updatePresence(presence)
                returns.observe(presence)
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
            let answered = Set(recorded.map(\.commandID))
            watchers.notify(answered)
            live.commandsChanged(answered)
            live.presenceChanged(presence)
        }
    }

    private func parse(_ message: MQTTMessage) -> AcknowledgementInbox.Item {
        switch reader.read(topic: message.topic, payload: message.payload, receivedAt: Date()) {
        case .acknowledgement(let record): return .acknowledgement(record)
        case .presence(let presence): return .presence(presence)
        case .ignored: return .ignored
        case .ignoredAcknowledgement(let reason, let device):
            metrics.acknowledgementsIgnored(1, reason: reason)
            logger.warning(
                "acknowledgement refused", metadata: ["reason": "\(reason.rawValue)", "topic_device": "\(device)"])
            return .ignored
        }
    }
}
