/// When a broadcast's acknowledgements were seen, from its start: the first, deciles 1, 5 and 9, and the last.
/// Logged for Hookcast's broadcasts and the raw fan-out alike, so the two spread out side by side (both start
/// alike, the broker writing to every device before the first answers; Hookcast's tail is longer while the
/// gateway's CPU competes with the devices' and the broker's for the cores).
enum AcknowledgementSpread {
    /// `sortedTimes` and `start` in nanoseconds of one monotonic clock; nil when fewer than `count` were seen.
    static func text(sortedTimes: [UInt64], count: Int, start: UInt64) -> String? {
        guard count > 0, sortedTimes.count >= count else { return nil }
        func milliseconds(_ index: Int) -> String {
            let time = sortedTimes[index]
            return time >= start ? String(Int((Double(time - start) / 1e6).rounded())) : "-"
        }
        return "acknowledgements seen at first \(milliseconds(0)), p10 \(milliseconds(count / 10)), "
            + "p50 \(milliseconds(count / 2)), p90 \(milliseconds(count * 9 / 10)), last \(milliseconds(count - 1)) ms"
    }
}
