import Foundation
import HookcastProtocol

/// Publishing: the webhook's first publish, the outbox, and the publish times.
extension DeliveryLifecycle {
    /// The webhook is about to store `id`: from now on an outbox read that sees it leaves it to the webhook.
    public mutating func storing(_ id: UUID) {
        flights[id] = .storing
    }

    /// The webhook's store failed, or found an earlier command for the same request: nothing to publish.
    public mutating func notStored(_ id: UUID) {
        if flights[id] == .storing { flights[id] = nil }
    }

    /// The webhook stored `command`; `brokerConnected` is the client's state now (fresher than the lifecycle's,
    /// which learns of changes a moment later).
    public mutating func stored(_ command: Command, brokerConnected: Bool, now: Date) -> FirstPublish {
        guard now < command.expiresAt else {
            flights[command.id] = nil
            return .expired
        }
        guard brokerConnected else {
            flights[command.id] = nil
            outbox.pending = true
            return .queued
        }
        flights[command.id] = .publishing
        return .publish
    }

    /// The broker acknowledged the publish of `id` at `at`.
    public mutating func published(_ id: UUID, at: Date) -> [DeliveryAction] {
        guard flights[id] == .publishing else { return [] }
        flights[id] = .recording
        publishTimes.unrecorded.append(PublishedCommand(id: id, at: at))
        return recordPublishTimesIfDue()
    }

    /// The publish of `id` failed (refused, or the connection went before the PUBACK): the outbox tries again at
    /// the next tick.
    public mutating func publishFailed(_ id: UUID) -> [DeliveryAction] {
        guard flights[id] == .publishing else { return [] }
        flights[id] = nil
        outbox.batch.remove(id)
        outbox.pending = true
        outbox.waitsForTick = true
        return readOutboxIfDue()
    }

    /// The write of the publish times asked for last ended; on failure those commands are unpublished in the store
    /// still, and the outbox sends them again (a device executes a command id once).
    public mutating func publishTimesRecorded(succeeded: Bool) -> [DeliveryAction] {
        guard let ids = publishTimes.recording else { return [] }
        publishTimes.recording = nil
        for id in ids where flights[id] == .recording {
            flights[id] = nil
            outbox.batch.remove(id)
        }
        if !succeeded { outbox.pending = true }
        // Recorded publish times leave the store's outbox: what a read skipped as in flight may be readable now.
        outbox.waitsForTick = false
        return recordPublishTimesIfDue() + readOutboxIfDue()
    }

    /// The outbox read asked for returned `commands`, oldest first.
    public mutating func outboxRead(_ commands: [Command], now: Date) -> [DeliveryAction] {
        outbox.reading = false
        // A full read may have left more behind it (and what failed while reading is pending already).
        outbox.pending = outbox.pending || commands.count >= configuration.outboxBatch
        var toPublish: [Command] = []
        var actions: [DeliveryAction] = []
        for command in commands where flights[command.id] == nil {
            if now >= command.expiresAt {
                actions.append(.expire(command))
            } else {
                flights[command.id] = .publishing
                outbox.batch.insert(command.id)
                toPublish.append(command)
            }
        }
        if toPublish.isEmpty {
            // Everything read is being handled by someone else (or expired): read again once that is done.
            outbox.waitsForTick = outbox.pending
            return actions + readOutboxIfDue()
        }
        return actions + [.publish(toPublish)]
    }

    /// The outbox read failed; the next tick tries again.
    public mutating func outboxReadFailed() {
        outbox.reading = false
        outbox.pending = true
        outbox.waitsForTick = true
    }

    mutating func readOutboxIfDue() -> [DeliveryAction] {
        guard brokerConnected, !stopped, leading, outbox.pending, !outbox.reading, !outbox.waitsForTick,
            outbox.batch.isEmpty
        else { return [] }
        outbox.reading = true
        outbox.pending = false
        return [.readOutbox(limit: configuration.outboxBatch, minimumAge: configuration.sharedOutboxAge)]
    }

    mutating func recordPublishTimesIfDue() -> [DeliveryAction] {
        guard publishTimes.recording == nil, !publishTimes.unrecorded.isEmpty else { return [] }
        let batch = publishTimes.unrecorded
        publishTimes.unrecorded = []
        publishTimes.recording = batch.map(\.id)
        return [.recordPublished(batch)]
    }
}
