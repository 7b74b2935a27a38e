import Foundation

/// A command's devices counted by state, and its extra answers, without the per-device list: what a webhook's
/// `?wait` answers with. Built from the stored answers counted by state (`DeliveryRepository.acknowledgementCounts`)
/// rather than from every answer, which for a broadcast to 10,000 devices is 10,000 rows read at the very end of
/// the wait.
public struct DeliveryTotals: Sendable, Equatable {
    /// Counts by state over the expected devices; every state is present.
    public var totals: [DeliveryState: Int]
    /// Answers from devices outside the expected set.
    public var extra: Int

    /// True when no expected device is still pending.
    public var isComplete: Bool { (totals[.pending] ?? 0) == 0 }

    /// A store keeps answers from expected devices only (an unexpected one is counted on the command), so the
    /// expected devices without a stored answer are the rest, in `Command.unansweredState`, as in `DeliveryReport`.
    public init(
        command: Command, answersByState: [DeliveryState: Int], now: Date, acknowledgementDeadline: Duration
    ) {
        let unanswered = command.unansweredState(now: now, acknowledgementDeadline: acknowledgementDeadline)
        var totals = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0, 0) })
        for (state, count) in answersByState { totals[state, default: 0] += count }
        let answered = answersByState.values.reduce(0, +)
        totals[unanswered, default: 0] += max(command.expectedDevices.count - answered, 0)
        self.totals = totals
        extra = command.extraAcknowledgements
    }

    init(totals: [DeliveryState: Int], extra: Int) {
        self.totals = totals
        self.extra = extra
    }
}

extension DeliveryReport {
    /// The report's totals without its entries.
    public var summary: DeliveryTotals { DeliveryTotals(totals: totals, extra: extra) }
}
