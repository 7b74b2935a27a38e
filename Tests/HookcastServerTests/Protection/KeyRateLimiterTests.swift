import Foundation
import HookcastCore
import Testing

@testable import HookcastServer

/// The token buckets on a clock the test moves, so refills are exact whatever the machine's load.
@Suite struct KeyRateLimiterTests {
    let start = ContinuousClock.now

    @Test("A bucket lets its burst through, then says how long until the next token")
    func burstThenWait() throws {
        let limiter = KeyRateLimiter(defaultLimit: RateLimit(perSecond: 0.5, burst: 2))
        let key = UUID()
        #expect(limiter.take(for: key, limit: nil, now: start) == nil)
        #expect(limiter.take(for: key, limit: nil, now: start) == nil)
        let wait = try #require(limiter.take(for: key, limit: nil, now: start))
        #expect(wait == .seconds(2))
    }

    @Test("Among gateways sharing a database each holds a key to its share of the limit, default or the key's own")
    func sharedBetweenInstances() throws {
        let limiter = KeyRateLimiter(defaultLimit: RateLimit(perSecond: 10, burst: 5), instances: 2)
        let key = UUID()
        // A burst of 5 over two gateways: 3 here (rounded up, so a caller never gets less than the whole).
        for _ in 0..<3 { #expect(limiter.take(for: key, limit: nil, now: start) == nil) }
        // 5 per second here: the next token in 0.2 s.
        #expect(limiter.take(for: key, limit: nil, now: start) == .milliseconds(200))
        let own = RateLimit(perSecond: 1, burst: 1)
        #expect(own.share(of: 2) == RateLimit(perSecond: 0.5, burst: 1))
        #expect(own.share(of: 1) == own)
        let other = UUID()
        #expect(limiter.take(for: other, limit: own, now: start) == nil)
        #expect(limiter.take(for: other, limit: own, now: start) == .seconds(2))
    }

    @Test("Tokens come back at the key's rate, never above its burst")
    func refill() {
        let limiter = KeyRateLimiter(defaultLimit: RateLimit(perSecond: 100, burst: 100))
        let key = UUID()
        let slow = RateLimit(perSecond: 0.5, burst: 2)
        #expect(limiter.take(for: key, limit: slow, now: start) == nil)
        #expect(limiter.take(for: key, limit: slow, now: start) == nil)
        #expect(limiter.take(for: key, limit: slow, now: start + .seconds(1)) == .seconds(1))
        #expect(limiter.take(for: key, limit: slow, now: start + .seconds(2)) == nil)
        // An hour idle refills to the burst, not beyond.
        let later = start + .seconds(3600)
        #expect(limiter.take(for: key, limit: slow, now: later) == nil)
        #expect(limiter.take(for: key, limit: slow, now: later) == nil)
        #expect(limiter.take(for: key, limit: slow, now: later) != nil)
    }

    @Test("One key's empty bucket leaves another key's alone")
    func keysApart() {
        let limiter = KeyRateLimiter(defaultLimit: RateLimit(perSecond: 1, burst: 1))
        let (flooding, other) = (UUID(), UUID())
        #expect(limiter.take(for: flooding, limit: nil, now: start) == nil)
        #expect(limiter.take(for: flooding, limit: nil, now: start) != nil)
        #expect(limiter.take(for: other, limit: nil, now: start) == nil)
    }
}

extension KeyRateLimiterTests {
    // Issue 15: forgetting full buckets judged every bucket by the limit of the key being charged, so a fast key's
    // traffic forgot a slow key's empty bucket, and the slow key got a full burst again.
    @Test("Forgetting full buckets judges each by its own key's limit")
    func pruningKeepsSlowKeysBucket() {
        let limiter = KeyRateLimiter(defaultLimit: RateLimit(perSecond: 100, burst: 1), pruneAbove: 1)
        let (slowKey, fastKey) = (UUID(), UUID())
        let slow = RateLimit(perSecond: 0.001, burst: 1)
        #expect(limiter.take(for: slowKey, limit: slow, now: start) == nil)
        // One second on, by the fast key's limit the slow key's bucket would be full again; by its own it is not.
        #expect(limiter.take(for: fastKey, limit: nil, now: start + .seconds(1)) == nil)
        #expect(limiter.take(for: slowKey, limit: slow, now: start + .seconds(1)) != nil)
    }
}
