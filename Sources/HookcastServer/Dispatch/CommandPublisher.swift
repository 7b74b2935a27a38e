import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto
import Synchronization

/// Publishes stored commands to the broker and records that they went out. The webhook path and the outbox both
/// publish through here; a command already on its way is not published a second time by the other.
final class CommandPublisher: Sendable {
    private let client: any BrokerPublishing
    private let commands: any CommandRepository
    private let publishTimes: PublishTimes
    private let redelivered: @Sendable (Int) -> Void
    private let logger: Logger
    /// Commands being published now, with whoever waits for the outcome of that attempt.
    private let publishing = Mutex<[UUID: [CheckedContinuation<Bool?, Never>]]>([:])
    /// Publish times are recorded in groups: losing one to a crash only means the outbox publishes it again.
    /// A service of the gateway's group (see `GroupCommit`).
    let published: GroupCommit<PublishedAt>
    /// Published, with the publish time not yet stored: the outbox, which sees them still unpublished in the
    /// store, must not send them again.
    private let recording: PublishRecordings

    struct PublishedAt: Sendable {
        let id: UUID
        let at: Date
    }

    /// `publishTimes` remembers when each command went out, for the acknowledgement latency; `redelivered` counts
    /// the commands sent again.
    init(
        client: any BrokerPublishing, commands: any CommandRepository, publishTimes: PublishTimes,
        redelivered: @escaping @Sendable (Int) -> Void, logger: Logger
    ) {
        self.client = client
        self.commands = commands
        self.publishTimes = publishTimes
        self.redelivered = redelivered
        self.logger = logger
        let recording = PublishRecordings()
        self.recording = recording
        published = GroupCommit(
            batch: { items in
                try await commands.markPublished(items.map { (id: $0.id, at: $0.at) })
                recording.ids.withLock { $0.subtract(items.map(\.id)) }
            },
            single: { item in
                // Recorded or not, the outbox decides from the store again: on a failure it publishes once more.
                defer { _ = recording.ids.withLock { $0.remove(item.id) } }
                do {
                    try await commands.markPublished(id: item.id, at: item.at)
                } catch {
                    logger.error(
                        "could not record a publish", metadata: ["command_id": "\(item.id)", "error": "\(error)"])
                    throw error
                }
            })
    }

    var isBrokerConnected: Bool { client.state.isConnected }

    /// Whether this command is being published now or its publish time is being stored: the store still calls it
    /// unpublished, but there is nothing for the outbox to do.
    func isHandling(_ id: UUID) -> Bool {
        publishing.withLock { $0[id] != nil } || recording.ids.withLock { $0.contains(id) }
    }

    /// Publishes `command` if the broker is connected; returns whether the broker acknowledged it.
    /// On failure the command stays unpublished in the store, and the outbox tries again. When the other path (the
    /// webhook or the outbox) is publishing it already, this waits for that attempt and returns its outcome.
    func publish(_ command: Command, now: Date = Date()) async -> Bool {
        guard client.state.isConnected else { return false }
        if recording.ids.withLock({ $0.contains(command.id) }) { return true }
        // nil: this caller publishes; otherwise the outcome of the attempt already under way.
        let outcome: Bool? = await withCheckedContinuation { continuation in
            let isOwner = publishing.withLock { publishing -> Bool in
                guard publishing[command.id] != nil else {
                    publishing[command.id] = []
                    return true
                }
                publishing[command.id]?.append(continuation)
                return false
            }
            if isOwner { continuation.resume(returning: nil) }
        }
        if let outcome { return outcome }
        let published = await publishOnce(command, now: now)
        let waiters = publishing.withLock { $0.removeValue(forKey: command.id) } ?? []
        for waiter in waiters { waiter.resume(returning: published) }
        return published
    }

    private func publishOnce(_ command: Command, now: Date) async -> Bool {
        let remaining = command.expiresAt.timeIntervalSince(now)
        guard remaining > 0 else {
            try? await commands.markPublishFailed(id: command.id, error: "expired before it could be published")
            logger.warning("command expired unpublished", metadata: ["command_id": "\(command.id)"])
            return false
        }
        let properties = MQTTPublishProperties(
            messageExpiryInterval: UInt32(min(remaining.rounded(.up), Double(UInt32.max))),
            correlationData: Array(command.id.uuidString.lowercased().utf8),
            contentType: "application/json")
        publishTimes.published(command.id)
        do {
            try await client.publish(
                to: Topics.commandTopic(for: command.target),
                payload: CommandEnvelope(command: command).encoded(),
                qos: .atLeastOnce,
                retain: false,
                properties: properties)
        } catch {
            logger.warning(
                "command not published yet", metadata: ["command_id": "\(command.id)", "error": "\(error)"])
            return false
        }
        // Not waited for: the answer does not depend on it, and a publish time lost to a crash or a store error
        // only means the outbox publishes the command again (devices execute a command id once).
        recording.ids.withLock { _ = $0.insert(command.id) }
        published.submit(PublishedAt(id: command.id, at: Date()))
        return true
    }

    /// Sends `command` again to one device on its own topic (not the group or broadcast topic, so the others are
    /// not bothered). Returns whether the broker acknowledged it.
    func redeliver(_ command: Command, to device: DeviceID, attempt: Int, now: Date = Date()) async -> Bool {
        let remaining = command.expiresAt.timeIntervalSince(now)
        guard remaining > 0, client.state.isConnected else { return false }
        let properties = MQTTPublishProperties(
            messageExpiryInterval: UInt32(min(remaining.rounded(.up), Double(UInt32.max))),
            correlationData: Array(command.id.uuidString.lowercased().utf8),
            contentType: "application/json",
            userProperties: [MQTTUserProperty("hookcast-redelivery", String(attempt))])
        do {
            try await client.publish(
                to: Topics.deviceCommands(device), payload: CommandEnvelope(command: command).encoded(),
                qos: .atLeastOnce, retain: false, properties: properties)
            redelivered(1)
            return true
        } catch {
            logger.warning(
                "redelivery not published", metadata: ["command_id": "\(command.id)", "error": "\(error)"])
            return false
        }
    }
}

/// The ids of commands published whose publish time is still being stored; shared with the store's write closures.
final class PublishRecordings: Sendable {
    let ids = Mutex<Set<UUID>>([])
}
