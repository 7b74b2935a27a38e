import Foundation
import HookcastCore
import HookcastProtocol
import Synchronization

/// What happened that a live view shows: commands created or answered, devices coming and going. Each subscriber
/// (an open event stream) collects what changed since it last looked, coalesced: a thousand acknowledgements for
/// one command are one change, and a slow browser costs a set of ids, never an unbounded queue.
final class LiveEvents: Sendable {
    /// What changed since a subscriber last took its changes.
    struct Changes: Sendable {
        var commands: Set<UUID> = []
        /// The latest presence of each device that changed.
        var presence: [DeviceID: DevicePresence] = [:]
        /// More commands changed than a subscriber keeps: it should reload its list instead.
        var overflowed = false

        var isEmpty: Bool { commands.isEmpty && presence.isEmpty && !overflowed }
    }

    /// Beyond this many changed commands a subscriber is told to reload rather than sent each one.
    static let maximumPendingCommands = 500

    private struct Subscriber {
        var changes = Changes()
        let signal: AsyncStream<Void>.Continuation
    }

    private let subscribers = Mutex<[UInt64: Subscriber]>([:])
    private let nextID = Atomic<UInt64>(0)

    /// A subscription: `signals` yields whenever there is something to take; it ends when `cancel` is called.
    struct Subscription: Sendable {
        let id: UInt64
        let signals: AsyncStream<Void>
        let events: LiveEvents

        func take() -> Changes { events.take(id) }
        /// Wakes the reader without a change (a heartbeat is due).
        func poke() { events.poke(id) }
        func cancel() { events.cancel(id) }
    }

    func subscribe() -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextID.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = Subscriber(signal: continuation) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return Subscription(id: id, signals: stream, events: self)
    }

    func commandsChanged(_ ids: some Sequence<UUID>) {
        let ids = Array(ids)
        guard !ids.isEmpty else { return }
        notify { changes in
            guard !changes.overflowed else { return }
            changes.commands.formUnion(ids)
            if changes.commands.count > Self.maximumPendingCommands {
                changes.commands = []
                changes.overflowed = true
            }
        }
    }

    func presenceChanged(_ presence: [DevicePresence]) {
        guard !presence.isEmpty else { return }
        notify { changes in
            for item in presence { changes.presence[item.deviceID] = item }
        }
    }

    private func notify(_ change: (inout Changes) -> Void) {
        let signals = subscribers.withLock { subscribers in
            var signals: [AsyncStream<Void>.Continuation] = []
            for (id, var subscriber) in subscribers {
                change(&subscriber.changes)
                subscribers[id] = subscriber
                signals.append(subscriber.signal)
            }
            return signals
        }
        for signal in signals { signal.yield() }
    }

    private func take(_ id: UInt64) -> Changes {
        subscribers.withLock { subscribers in
            guard let changes = subscribers[id]?.changes else { return Changes() }
            subscribers[id]?.changes = Changes()
            return changes
        }
    }

    private func poke(_ id: UInt64) {
        subscribers.withLock { $0[id]?.signal }?.yield()
    }

    private func cancel(_ id: UInt64) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.signal.finish()
    }
}
