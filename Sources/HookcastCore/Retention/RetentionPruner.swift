import Foundation

/// What one pruning pass removed, by kind of record.
public struct PrunedRecords: Sendable, Equatable {
    public var commands = 0
    /// Acknowledgement and redelivery rows of the pruned commands.
    public var deliveryRows = 0
    public var auditEntries = 0
    public var callbackReports = 0
    public var capAlerts = 0

    public init() {}

    public var total: Int { commands + deliveryRows + auditEntries + callbackReports + capAlerts }

    public static func + (lhs: PrunedRecords, rhs: PrunedRecords) -> PrunedRecords {
        var sum = lhs
        sum.commands += rhs.commands
        sum.deliveryRows += rhs.deliveryRows
        sum.auditEntries += rhs.auditEntries
        sum.callbackReports += rhs.callbackReports
        sum.capAlerts += rhs.capAlerts
        return sum
    }
}

/// One pass of pruning, in batches small enough that webhooks sharing the store are served between them: commands
/// a hundred at a time, their delivery rows (a broadcast has one per device) a thousand per transaction, and after
/// each batch a rest `restFactor` times as long as the batch took, so pruning holds the store's writer at most a
/// quarter of the time however slow the disk. A command is pruned only once it is both older than the retention
/// and expired, so nothing a device may still be sent or answer is lost.
public struct RetentionPruner: Sendable {
    public let repository: any RetentionRepository
    public let policy: RetentionPolicy
    public var commandBatch = 50
    public var rowBatch = 500
    /// The shortest rest between batches: the store's writer is shared with the webhooks, and this leaves it to
    /// them for a moment.
    public var pause: Duration = .milliseconds(5)
    /// Each rest lasts at least this many times the batch before it (a webhook write that arrives during a batch
    /// waits for it: bench/README.md, Retention).
    public var restFactor = 1.0

    public init(repository: any RetentionRepository, policy: RetentionPolicy) {
        self.repository = repository
        self.policy = policy
    }

    /// Prunes everything due at `now`; `progress` hears of each batch as it is done (metrics count as they go).
    /// Stops early, with what it did, when the task is cancelled.
    @discardableResult
    public func prune(now: Date = Date(), progress: (PrunedRecords) -> Void = { _ in }) async throws -> PrunedRecords {
        var done = PrunedRecords()
        func record(_ batch: PrunedRecords) {
            done = done + batch
            progress(batch)
        }
        if let keep = policy.commands {
            let cutoff = now.addingTimeInterval(-keep.timeInterval)
            try await pruneCommands(issuedBefore: cutoff, now: now, record: record)
            try await repeatBatches(counting: \.callbackReports, record: record) { limit in
                try await repository.deleteFinishedCallbackReports(createdBefore: cutoff, limit: limit)
            }
            try await repeatBatches(counting: \.capAlerts, record: record) { limit in
                try await repository.deleteCAPAlerts(receivedBefore: cutoff, limit: limit)
            }
        }
        if let keep = policy.audit {
            let cutoff = now.addingTimeInterval(-keep.timeInterval)
            try await repeatBatches(counting: \.auditEntries, record: record) { limit in
                try await repository.deleteAuditEntries(before: cutoff, limit: limit)
            }
        }
        return done
    }

    private func pruneCommands(
        issuedBefore cutoff: Date, now: Date, record: (PrunedRecords) -> Void
    ) async throws {
        while !Task.isCancelled {
            let ids = try await repository.finishedCommands(
                issuedBefore: cutoff, expiredBefore: now, limit: commandBatch)
            guard !ids.isEmpty else { return }
            let started = ContinuousClock.now
            try await repeatBatches(counting: \.deliveryRows, record: record) { limit in
                try await repository.deleteDeliveryRows(of: ids, limit: limit)
            }
            var batch = PrunedRecords()
            batch.commands = try await repository.deleteCommands(ids)
            record(batch)
            try await rest(after: ContinuousClock.now - started)
            if ids.count < commandBatch { return }
        }
    }

    /// Runs `delete` (given `rowBatch` as its limit) until it deletes fewer than the limit, recording each batch
    /// under `kind`.
    private func repeatBatches(
        counting kind: WritableKeyPath<PrunedRecords, Int>, record: (PrunedRecords) -> Void,
        _ delete: (Int) async throws -> Int
    ) async throws {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var batch = PrunedRecords()
            let deleted = try await delete(rowBatch)
            batch[keyPath: kind] = deleted
            record(batch)
            if deleted > 0 { try await rest(after: ContinuousClock.now - started) }
            if deleted < rowBatch { return }
        }
    }

    private func rest(after batch: Duration) async throws {
        let rest = max(pause, batch * restFactor)
        if rest > .zero { try? await Task.sleep(for: rest) }
    }
}
