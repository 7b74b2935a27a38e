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
/// a few hundred at a time, their delivery rows (a broadcast has one per device) a few thousand per transaction,
/// with a pause after each batch. A command is pruned only once it is both older than the retention and expired,
/// so nothing a device may still be sent or answer is lost.
public struct RetentionPruner: Sendable {
    public let repository: any RetentionRepository
    public let policy: RetentionPolicy
    public var commandBatch = 200
    public var rowBatch = 2_000
    /// Between batches: the store's writer is shared with the webhooks, and this leaves it to them for a moment.
    public var pause: Duration = .milliseconds(5)

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
            try await repeatBatches { limit in
                var batch = PrunedRecords()
                batch.callbackReports = try await repository.deleteFinishedCallbackReports(
                    createdBefore: cutoff, limit: limit)
                record(batch)
                return batch.callbackReports
            }
            try await repeatBatches { limit in
                var batch = PrunedRecords()
                batch.capAlerts = try await repository.deleteCAPAlerts(receivedBefore: cutoff, limit: limit)
                record(batch)
                return batch.capAlerts
            }
        }
        if let keep = policy.audit {
            let cutoff = now.addingTimeInterval(-keep.timeInterval)
            try await repeatBatches { limit in
                var batch = PrunedRecords()
                batch.auditEntries = try await repository.deleteAuditEntries(before: cutoff, limit: limit)
                record(batch)
                return batch.auditEntries
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
            try await repeatBatches { limit in
                var batch = PrunedRecords()
                batch.deliveryRows = try await repository.deleteDeliveryRows(of: ids, limit: limit)
                record(batch)
                return batch.deliveryRows
            }
            var batch = PrunedRecords()
            batch.commands = try await repository.deleteCommands(ids)
            record(batch)
            try await rest()
            if ids.count < commandBatch { return }
        }
    }

    /// Runs `batch` (given `rowBatch` as its limit) until it deletes fewer than the limit.
    private func repeatBatches(_ batch: (Int) async throws -> Int) async throws {
        while !Task.isCancelled {
            let deleted = try await batch(rowBatch)
            if deleted > 0 { try await rest() }
            if deleted < rowBatch { return }
        }
    }

    private func rest() async throws {
        if pause > .zero { try? await Task.sleep(for: pause) }
    }
}
