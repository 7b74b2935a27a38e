import Foundation

/// When a report that was not delivered is tried again: exponential backoff from `base`, doubling up to `maximum`,
/// with ±`jitter` so many reports failing together do not retry together; given up once the nominal delays of the
/// attempts made add up to `giveUpAfter`.
public struct CallbackRetryPolicy: Sendable, Equatable {
    public var base: Duration
    public var maximum: Duration
    public var giveUpAfter: Duration
    /// A fraction of each delay, e.g. 0.1: ±10 %.
    public var jitter: Double

    public init(
        base: Duration = .seconds(5), maximum: Duration = .seconds(600), giveUpAfter: Duration = .seconds(86_400),
        jitter: Double = 0.1
    ) {
        self.base = base
        self.maximum = maximum
        self.giveUpAfter = giveUpAfter
        self.jitter = jitter
    }

    /// The nominal delay after the `attempt`th failed attempt (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        // Doubling stops at the cap long before it could overflow.
        let doublings = min(max(attempt - 1, 0), 40)
        let seconds = base.timeInterval * pow(2, Double(doublings))
        return min(Duration.milliseconds(Int64(seconds * 1000)), maximum)
    }

    /// When to try again after the `attempt`th failed attempt at `now`; nil: give up.
    public func nextAttempt(afterAttempt attempt: Int, now: Date) -> Date? {
        var waited = Duration.zero
        for made in 1...max(attempt, 1) { waited += delay(afterAttempt: made) }
        guard waited <= giveUpAfter else { return nil }
        let nominal = delay(afterAttempt: attempt).timeInterval
        let spread = nominal * jitter
        let jittered = spread > 0 ? Double.random(in: (nominal - spread)...(nominal + spread)) : nominal
        return now.addingTimeInterval(jittered)
    }
}
