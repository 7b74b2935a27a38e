import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// The lifecycle's publishing half, event by event: who publishes, when the outbox reads, how publish times are
/// batched. No broker, no store: the actions are the assertions.
@Suite("Delivery lifecycle: publishing")
struct DeliveryLifecyclePublishingTests {
    static let now = referenceDate

    static func connectedLifecycle() -> DeliveryLifecycle {
        var lifecycle = DeliveryLifecycle(configuration: .init(acknowledgementDeadline: 5))
        _ = lifecycle.connected()
        _ = lifecycle.outboxRead([], now: now)
        return lifecycle
    }

    @Test("A command the webhook stores is published by the webhook alone, even when an outbox read sees it")
    func theWebhookOwnsItsCommand() throws {
        var lifecycle = Self.connectedLifecycle()
        let command = try makeCommand()
        lifecycle.storing(command.id)
        // The outbox read the store after the webhook's insert committed and before it published.
        lifecycle.outbox.pending = true
        #expect(lifecycle.tick(now: Self.now).first == .readOutbox(limit: 100, minimumAge: nil))
        #expect(lifecycle.outboxRead([command], now: Self.now) == [])
        #expect(lifecycle.stored(command, brokerConnected: true, now: Self.now) == .publish)
        #expect(lifecycle.isHandling(command.id))
    }

    @Test("Publish times are written one batch at a time; what arrives meanwhile goes in the next")
    func publishTimesAreBatched() throws {
        var lifecycle = Self.connectedLifecycle()
        let commands = try (0..<3).map { _ in try makeCommand() }
        for command in commands {
            lifecycle.storing(command.id)
            #expect(lifecycle.stored(command, brokerConnected: true, now: Self.now) == .publish)
        }
        let at = Self.now.addingTimeInterval(0.001)
        #expect(lifecycle.published(commands[0].id, at: at) == [.recordPublished([.init(id: commands[0].id, at: at)])])
        #expect(lifecycle.published(commands[1].id, at: at) == [])
        #expect(lifecycle.published(commands[2].id, at: at) == [])
        // Still the lifecycle's until its time is stored: the store calls it unpublished.
        #expect(lifecycle.isHandling(commands[0].id))
        #expect(
            lifecycle.publishTimesRecorded(succeeded: true)
                == [.recordPublished([.init(id: commands[1].id, at: at), .init(id: commands[2].id, at: at)])])
        #expect(!lifecycle.isHandling(commands[0].id))
        #expect(lifecycle.publishTimesRecorded(succeeded: true) == [])
        #expect(lifecycle.publishTimesIdle)
        #expect(!commands.contains { lifecycle.isHandling($0.id) })
    }

    @Test("While the broker is away a stored command is queued; the connection brings retained state, then the outbox")
    func queuedUntilConnected() throws {
        var lifecycle = DeliveryLifecycle(configuration: .init(acknowledgementDeadline: 5))
        let command = try makeCommand()
        lifecycle.storing(command.id)
        #expect(lifecycle.stored(command, brokerConnected: false, now: Self.now) == .queued)
        #expect(!lifecycle.isHandling(command.id))
        // Not connected: ticks read nothing and scan nothing.
        #expect(lifecycle.tick(now: Self.now) == [])
        #expect(lifecycle.connected() == [.resendRetained, .readOutbox(limit: 100, minimumAge: nil)])
        // A repeated "connected" (no disconnect between) changes nothing.
        #expect(lifecycle.connected() == [])
        #expect(lifecycle.outboxRead([command], now: Self.now) == [.publish([command])])
        // One read at a time, and the next waits for the batch.
        #expect(lifecycle.tick(now: Self.now).contains(.readOutbox(limit: 100, minimumAge: nil)) == false)
        #expect(
            lifecycle.published(command.id, at: Self.now) == [.recordPublished([.init(id: command.id, at: Self.now)])])
        lifecycle.disconnected()
        #expect(lifecycle.connected() == [.resendRetained])
    }

    @Test("A full outbox read is followed by the next once its batch is published and recorded")
    func theOutboxDrainsInBatches() throws {
        var small = DeliveryLifecycle.Configuration(acknowledgementDeadline: 5)
        small.outboxBatch = 2
        var lifecycle = DeliveryLifecycle(configuration: small)
        #expect(lifecycle.connected() == [.resendRetained, .readOutbox(limit: 2, minimumAge: nil)])
        let batch = try (0..<2).map { _ in try makeCommand() }
        #expect(lifecycle.outboxRead(batch, now: Self.now) == [.publish(batch)])
        #expect(lifecycle.published(batch[0].id, at: Self.now).count == 1)
        #expect(lifecycle.published(batch[1].id, at: Self.now) == [])
        #expect(lifecycle.tick(now: Self.now).contains(.readOutbox(limit: 2, minimumAge: nil)) == false)
        let afterFirst = lifecycle.publishTimesRecorded(succeeded: true)
        #expect(afterFirst == [.recordPublished([.init(id: batch[1].id, at: Self.now)])])
        #expect(lifecycle.publishTimesRecorded(succeeded: true) == [.readOutbox(limit: 2, minimumAge: nil)])
        // A short read: nothing more to read until something new is queued.
        #expect(lifecycle.outboxRead([], now: Self.now) == [])
        #expect(!lifecycle.tick(now: Self.now).contains(.readOutbox(limit: 2, minimumAge: nil)))
    }

    @Test("A read that finds only commands someone else handles waits for a tick instead of reading again at once")
    func noBusyLoopOnCommandsInFlight() throws {
        var small = DeliveryLifecycle.Configuration(acknowledgementDeadline: 5)
        small.outboxBatch = 1
        var lifecycle = DeliveryLifecycle(configuration: small)
        let webhooks = try makeCommand()
        lifecycle.storing(webhooks.id)
        #expect(lifecycle.connected() == [.resendRetained, .readOutbox(limit: 1, minimumAge: nil)])
        #expect(lifecycle.outboxRead([webhooks], now: Self.now) == [])
        #expect(lifecycle.tick(now: Self.now).first == .readOutbox(limit: 1, minimumAge: nil))
    }

    @Test("A failed publish goes back to the outbox at the next tick; an expired one is given up")
    func failuresAndExpiry() throws {
        var lifecycle = Self.connectedLifecycle()
        let command = try makeCommand()
        lifecycle.storing(command.id)
        #expect(lifecycle.stored(command, brokerConnected: true, now: Self.now) == .publish)
        #expect(lifecycle.publishFailed(command.id) == [])
        #expect(!lifecycle.isHandling(command.id))
        #expect(lifecycle.tick(now: Self.now).first == .readOutbox(limit: 100, minimumAge: nil))
        let later = command.expiresAt.addingTimeInterval(1)
        #expect(lifecycle.outboxRead([command], now: later) == [.expire(command)])
        #expect(lifecycle.stored(command, brokerConnected: true, now: later) == .expired)
    }

    @Test("A publish-time write that fails leaves the commands to the outbox")
    func failedPublishTimeWrite() throws {
        var lifecycle = Self.connectedLifecycle()
        let command = try makeCommand()
        lifecycle.storing(command.id)
        _ = lifecycle.stored(command, brokerConnected: true, now: Self.now)
        #expect(lifecycle.published(command.id, at: Self.now).count == 1)
        #expect(lifecycle.publishTimesRecorded(succeeded: false) == [.readOutbox(limit: 100, minimumAge: nil)])
        #expect(lifecycle.outboxRead([command], now: Self.now) == [.publish([command])])
    }

    @Test("After stopping nothing new is read, but publish times already queued are still written")
    func stopping() throws {
        var lifecycle = Self.connectedLifecycle()
        let commands = try (0..<2).map { _ in try makeCommand() }
        for command in commands {
            lifecycle.storing(command.id)
            _ = lifecycle.stored(command, brokerConnected: true, now: Self.now)
        }
        #expect(lifecycle.published(commands[0].id, at: Self.now).count == 1)
        #expect(lifecycle.published(commands[1].id, at: Self.now) == [])
        #expect(lifecycle.stopping() == [])
        #expect(lifecycle.isStopped && !lifecycle.publishTimesIdle)
        #expect(
            lifecycle.publishTimesRecorded(succeeded: true) == [
                .recordPublished([.init(id: commands[1].id, at: Self.now)])
            ])
        #expect(lifecycle.publishTimesRecorded(succeeded: false) == [])
        #expect(lifecycle.publishTimesIdle)
        #expect(lifecycle.tick(now: Self.now.addingTimeInterval(60)) == [])
    }

    @Test("A command the webhook did not store after all (an error, or an earlier request's) is nobody's")
    func notStored() throws {
        var lifecycle = Self.connectedLifecycle()
        let command = try makeCommand()
        lifecycle.storing(command.id)
        lifecycle.notStored(command.id)
        #expect(!lifecycle.isHandling(command.id))
    }
}
