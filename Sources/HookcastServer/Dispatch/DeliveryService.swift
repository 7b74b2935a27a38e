import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto
import ServiceLifecycle
import Synchronization

/// Drives the delivery lifecycle (`DeliveryLifecycle`): feeds it the broker connection's changes, a tick, the
/// webhook's commands, presence, and the outcome of everything it asked for, and performs its actions. The one
/// component that publishes commands, first or again.
///
/// The webhook publishes its own command on its own task (no hop); everything else the lifecycle asks for runs in
/// this service's task group. The lifecycle lives under one lock, and no action runs while it is held.
final class DeliveryService: Service, Sendable {
    struct Dependencies: Sendable {
        let broker: any BrokerPublishing
        /// The broker connection's states, current one first; nil for a gateway without a broker connection (the
        /// HTTP contract tests), which then never reads the outbox or redelivers.
        let connectionStates: (@Sendable () -> AsyncStream<MQTTConnectionState>)?
        let store: any HookcastStore
        let configs: DeviceConfigPublisher
        let emergency: EmergencyLatch
        let metrics: GatewayMetrics
        let logger: Logger
        var topics = Topics.standard
    }

    let dependencies: Dependencies
    private let lifecycle: Mutex<DeliveryLifecycle>
    /// Actions for the task group of `run`; finished once the lifecycle stopped and wrote its publish times.
    private let work = AsyncStream.makeStream(of: DeliveryAction.self)
    private let tickInterval: Duration
    /// How long a webhook waits for its command's PUBACK before it is answered `queued` (`FirstPublishWaits`).
    let publishAnswerDeadline: Duration
    let firstPublishes = FirstPublishWaits()

    /// How old another gateway's unpublished command must be before the leader publishes it: ample for that
    /// gateway to publish it and store its publish time, so the two seldom both send it (when they do, devices
    /// run a command id once).
    static let sharedOutboxAge: TimeInterval = 3

    /// `sharedStore`: other gateways use the same database, and this one does the outbox and redelivery only while
    /// it leads (`leadershipChanged`), which it does not until told so.
    init(
        _ dependencies: Dependencies, acknowledgementDeadline: Duration, sharedStore: Bool = false,
        publishAnswerDeadline: Duration = .seconds(5), tickInterval: Duration = .milliseconds(500)
    ) {
        self.publishAnswerDeadline = publishAnswerDeadline
        self.dependencies = dependencies
        var configuration = DeliveryLifecycle.Configuration(
            acknowledgementDeadline: acknowledgementDeadline.timeInterval)
        if sharedStore { configuration.sharedOutboxAge = Self.sharedOutboxAge }
        var lifecycle = DeliveryLifecycle(configuration: configuration)
        if sharedStore { _ = lifecycle.leadershipChanged(leading: false) }
        self.lifecycle = Mutex(lifecycle)
        self.tickInterval = tickInterval
    }

    var isBrokerConnected: Bool { dependencies.broker.state.isConnected }

    // MARK: The webhook path

    /// Call before storing a new command: the outbox leaves it to the caller from now on.
    func storing(_ id: UUID) {
        lifecycle.withLock { $0.storing(id) }
    }

    /// The command was not stored (or an earlier one answers the request): nothing to publish.
    func notStored(_ id: UUID) {
        lifecycle.withLock { $0.notStored(id) }
    }

    /// Publishes a command just stored, if the broker is connected; returns whether the broker acknowledged it
    /// within `publishAnswerDeadline` (the publish goes on past it, on a task of its own). Otherwise the command
    /// stays unpublished in the store and the outbox publishes it later.
    func publish(_ command: Command) async -> Bool {
        let connected = isBrokerConnected
        let decision = lifecycle.withLock { $0.stored(command, brokerConnected: connected, now: Date()) }
        switch decision {
        case .queued:
            return false
        case .expired:
            await expire(command)
            return false
        case .publish:
            firstPublishes.begin(command.id)
            // Started on this thread, up to its wait for the PUBACK: no hop to another thread before the publish.
            Task.immediate {
                let published = await publishFirst(command)
                handle { published ? $0.published(command.id, at: Date()) : $0.publishFailed(command.id) }
                firstPublishes.finish(command.id, published: published)
            }
            return await firstPublishes.outcome(of: command.id)
        }
    }

    /// Presence as stored: a device back online gets what it is missing at the next scan.
    func presenceChanged(_ presence: [DevicePresence], at time: Date = Date()) {
        guard !presence.isEmpty else { return }
        lifecycle.withLock { $0.presenceChanged(presence, at: time) }
    }

    /// This gateway took or lost the lead among those sharing its database.
    func leadershipChanged(leading: Bool) {
        handle { $0.leadershipChanged(leading: leading) }
    }

    var isLeading: Bool { lifecycle.withLock { $0.isLeading } }

    // MARK: Running

    func run() async {
        await withDiscardingTaskGroup { group in
            if let connectionStates = dependencies.connectionStates {
                group.addTask { await self.follow(connectionStates()) }
            }
            group.addTask { await self.tick() }
            group.addTask {
                try? await gracefulShutdown()
                self.handle { $0.stopping() }
            }
            for await action in work.stream {
                group.addTask { await self.perform(action) }
            }
        }
    }

    /// Feeds an event to the lifecycle and hands its actions to `run`'s task group. After shutdown, once the last
    /// publish times are written, the group takes no more work.
    func handle(_ event: (inout DeliveryLifecycle) -> [DeliveryAction]) {
        let (actions, finished) = lifecycle.withLock { lifecycle in
            let actions = event(&lifecycle)
            return (actions, lifecycle.isStopped && lifecycle.publishTimesIdle)
        }
        for action in actions { work.continuation.yield(action) }
        if finished { work.continuation.finish() }
    }

    /// Feeds an event that asks for nothing.
    func update(_ event: (inout DeliveryLifecycle) -> Void) {
        handle { lifecycle in
            event(&lifecycle)
            return []
        }
    }

    /// Each (re)connect resends the retained state before the outbox is read, in this order, on this task.
    private func follow(_ states: AsyncStream<MQTTConnectionState>) async {
        await cancelWhenGracefulShutdown {
            for await state in states {
                guard state.isConnected else {
                    self.lifecycle.withLock { $0.disconnected() }
                    if state == .closed { return }
                    continue
                }
                let actions = self.lifecycle.withLock { $0.connected() }
                for action in actions { await self.perform(action) }
            }
        }
    }

    private func tick() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.tickInterval) })) != nil
            else { return }
            handle { $0.tick(now: Date()) }
            firstPublishes.expire(before: .now - publishAnswerDeadline)
        }
    }
}
