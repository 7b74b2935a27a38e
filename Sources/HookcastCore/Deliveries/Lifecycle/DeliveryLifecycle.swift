import Foundation
import HookcastProtocol

/// The delivery lifecycle of every command, as one pure state machine: from stored, through published and its
/// publish time recorded, to redelivered until every expected device answered (settled) or the command expired.
///
/// Events come in as method calls (a command stored, the broker's PUBACK or a failed publish, the connection's
/// changes, a device back online, the store's answers, a tick); `DeliveryAction`s come out. No I/O, no clock, no
/// locks: `DeliveryService` drives it under one lock and performs the actions outside it.
///
/// It guarantees what was reconciled through shared sets and polling before:
/// - exactly one component publishes a given command at a given time: a command the webhook is storing, publishing
///   or whose publish time is being recorded is never handed to the outbox;
/// - at most one outbox read, one publish-time write and one redelivery scan are in flight at a time.
///
/// The store stays the source of truth for what is unpublished and who answered: after a restart, or for a command
/// another gateway stored, the outbox and the redelivery scan find it there.
///
/// Of gateways sharing one database only the leader reads the outbox, scans for redelivery and re-publishes the
/// retained state (`leadershipChanged`); every gateway publishes the commands its own webhooks store.
public struct DeliveryLifecycle: Sendable {
    public struct Configuration: Sendable {
        /// How long a device has to answer before the command is sent to it again.
        public var acknowledgementDeadline: TimeInterval
        /// The longest wait between two redeliveries of one command.
        public var maximumBackoff: TimeInterval = 300
        /// Commands read from the outbox at a time.
        public var outboxBatch = 100
        /// Unsettled commands looked at per redelivery scan.
        public var scanLimit = 10_000
        /// On a database other gateways share (nil: this gateway has it to itself): the leader reads the outbox at
        /// every tick, since other gateways' failed publishes are not reported to it, and only commands at least
        /// this old, so a command another gateway is publishing this moment is left to that gateway.
        public var sharedOutboxAge: TimeInterval?

        public init(acknowledgementDeadline: TimeInterval) {
            self.acknowledgementDeadline = acknowledgementDeadline
        }

        /// How long after a device came back before its missing commands are sent: first the broker delivers what
        /// it queued for the device's session, and those acknowledgements should be in.
        var returnGrace: TimeInterval { min(acknowledgementDeadline, 2) }
    }

    /// Where a command the lifecycle is handling now stands. Commands in none of these are the store's.
    enum Flight: Equatable {
        /// The webhook is storing it; the outbox may already see it in the store.
        case storing
        case publishing
        /// Published; its publish time is not stored yet, so the store still calls it unpublished.
        case recording
    }

    struct Outbox {
        /// The store may hold unpublished commands nobody is handling.
        var pending = true
        var reading = false
        /// The last read found nothing to do, or a publish failed: wait for the next tick (or a recorded publish
        /// time) rather than read again at once.
        var waitsForTick = false
        /// The commands of the last read still publishing or recording; the next read waits for them.
        var batch: Set<UUID> = []
    }

    struct PublishTimes {
        var unrecorded: [PublishedCommand] = []
        /// The ids being written now; nil when no write is in flight.
        var recording: [UUID]?
    }

    let configuration: Configuration
    var brokerConnected = false
    var stopped = false
    /// Alone on its database a gateway always leads.
    var leading = true
    var flights: [UUID: Flight] = [:]
    var outbox = Outbox()
    var publishTimes = PublishTimes()
    var redelivery = RedeliveryState()

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    // MARK: The connection

    /// The broker connection is up (first connect or reconnect): retained state first, then the outbox.
    public mutating func connected() -> [DeliveryAction] {
        let wasConnected = brokerConnected
        brokerConnected = true
        guard !wasConnected, !stopped, leading else { return [] }
        outbox.pending = true
        outbox.waitsForTick = false
        return [.resendRetained] + readOutboxIfDue()
    }

    public mutating func disconnected() {
        brokerConnected = false
    }

    // MARK: Sharing the database

    /// This gateway took the lead among those sharing its database, or lost it. Taking it is like connecting:
    /// the one that led before may have died in the middle of anything, so the retained state is sent again and
    /// the outbox read; the next tick scans for redelivery.
    public mutating func leadershipChanged(leading: Bool) -> [DeliveryAction] {
        let wasLeading = self.leading
        self.leading = leading
        guard leading, !wasLeading, brokerConnected, !stopped else { return [] }
        outbox.pending = true
        outbox.waitsForTick = false
        return [.resendRetained] + readOutboxIfDue()
    }

    public var isLeading: Bool { leading }

    /// A timer's beat: lets a waiting outbox read again and starts a redelivery scan when none is running.
    public mutating func tick(now: Date) -> [DeliveryAction] {
        outbox.waitsForTick = false
        if configuration.sharedOutboxAge != nil, leading { outbox.pending = true }
        return readOutboxIfDue() + startScanIfDue(now: now)
    }

    /// Graceful shutdown: nothing new is read, published from the outbox or redelivered; publish times already
    /// queued are still written (`publishTimesIdle` says when they are).
    public mutating func stopping() -> [DeliveryAction] {
        stopped = true
        return recordPublishTimesIfDue()
    }

    public var isStopped: Bool { stopped }

    /// No publish time waits to be written, or is being written.
    public var publishTimesIdle: Bool {
        publishTimes.recording == nil && publishTimes.unrecorded.isEmpty
    }

    /// Whether the lifecycle is handling `id` now (storing, publishing or recording its publish time).
    public func isHandling(_ id: UUID) -> Bool { flights[id] != nil }
}
