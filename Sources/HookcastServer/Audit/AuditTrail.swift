import Foundation
import HookcastCore
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the audit log. Admin changes and cancels are written before their answer is sent (`record`): an
/// operator who was told "done" finds it in the log. Webhook calls are queued and written in batches behind the
/// answer (`submit`, through `GroupCommit`), so a trigger pays for a lock and an append, not for a write; each
/// batch is one transaction (with SQLite, usually the same group commit as the commands of those calls).
///
/// On a crash, the calls queued and not yet written are lost: at most what arrived during one write, normally a
/// few milliseconds' worth; the commands they made are in the command log regardless. The per-minute sums of
/// folded calls (`AuditTally`) are written when their minute ends, checked every `flushInterval`; a crash loses
/// the current minute's, a graceful shutdown writes them. When the store does not keep up, at most
/// `maximumQueued` entries wait; further webhook entries are dropped and counted
/// (`hookcast_audit_entries_total{outcome="dropped"}`), never admin changes.
final class AuditTrail: Service, Sendable {
    static let maximumQueued = 10_000
    let flushInterval: Duration
    private let committer: GroupCommit<AuditEntry>
    private let repository: any AuditRepository
    private let tally: Mutex<AuditTally>
    private let queued: QueuedCount
    private let metrics: GatewayMetrics
    private let logger: Logger
    let clock: @Sendable () -> Date

    init(
        repository: any AuditRepository, metrics: GatewayMetrics, logger: Logger, refusalBudget: Int = 60,
        flushInterval: Duration = .seconds(10), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        let queued = QueuedCount()
        // A failed batch is retried entry by entry (GroupCommit); each entry leaves the count exactly once.
        committer = GroupCommit(
            batch: { entries in
                try await repository.insert(entries, synced: false)
                queued.value.subtract(entries.count, ordering: .relaxed)
                metrics.auditEntries("written", count: entries.count)
            },
            single: { entry in
                defer { queued.value.subtract(1, ordering: .relaxed) }
                try await Self.write(entry, synced: false, to: repository, metrics: metrics, logger: logger)
            })
        self.queued = queued
        self.repository = repository
        tally = Mutex(AuditTally(refusalBudget: refusalBudget))
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = flushInterval
        self.clock = clock
    }

    /// Writes `entry` and returns once it is stored (or could not be: that is logged and counted, and the change
    /// it records stands). Directly, not through the queue: admin changes are rare, and the store's own group
    /// commit already shares a transaction with whatever else is being written.
    func record(_ entry: AuditEntry) async {
        try? await Self.write(entry, synced: true, to: repository, metrics: metrics, logger: logger)
    }

    /// Writes one entry, counting it written or failed; a failure is logged, then thrown.
    private static func write(
        _ entry: AuditEntry, synced: Bool, to repository: any AuditRepository, metrics: GatewayMetrics, logger: Logger
    ) async throws {
        do {
            try await repository.insert([entry], synced: synced)
            metrics.auditEntries("written")
        } catch {
            metrics.auditEntries("failed")
            logger.error(
                "an audit entry could not be written",
                metadata: ["kind": "\(entry.kind)", "resource": "\(entry.resource ?? "")", "error": "\(error)"])
            throw error
        }
    }

    /// Queues a webhook call's entry, or folds it into its minute's sum (`AuditTally`); returns at once.
    func submit(_ entry: AuditEntry) {
        guard let admitted = tally.withLock({ $0.admit(entry) }) else {
            metrics.auditEntries("folded", count: entry.count)
            return
        }
        enqueue([admitted])
    }

    private func enqueue(_ entries: [AuditEntry]) {
        for entry in entries {
            guard queued.value.add(1, ordering: .relaxed).newValue <= Self.maximumQueued else {
                queued.value.subtract(1, ordering: .relaxed)
                metrics.auditEntries("dropped")
                continue
            }
            committer.submit(entry)
        }
    }

    /// Writes the sums of minutes that have ended, now and then; on graceful shutdown writes the rest and lets the
    /// writer finish what is queued (it sits before the store in the service order, so the store is still open).
    func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.flushInterval) }
            flushSums(before: clock())
        }
        flushSums(before: nil)
        await committer.run()
    }

    /// Queues the folded entries of minutes that ended before `date` (all when nil).
    func flushSums(before date: Date?) {
        enqueue(tally.withLock { $0.takeSums(before: date) })
    }
}

/// How many webhook entries wait to be written: shared by the trail and its writer's closures.
private final class QueuedCount: Sendable {
    let value = Atomic<Int>(0)
}
