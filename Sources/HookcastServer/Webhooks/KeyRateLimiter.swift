import Foundation
import HookcastCore
import Synchronization

/// One token bucket per API key, so a caller that floods the gateway is slowed down alone: the others keep their
/// own buckets. Buckets live in memory (a restart refills them) and are dropped once full again.
final class KeyRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[UUID: Bucket]>([:])
    let defaultLimit: RateLimit

    init(defaultLimit: RateLimit) {
        self.defaultLimit = defaultLimit
    }

    /// Takes one token for `key`; nil when allowed, else how long until a token is there.
    func take(for key: UUID, limit override: RateLimit?, now: ContinuousClock.Instant = .now) -> Duration? {
        let limit = override ?? defaultLimit
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
            let elapsed = (now - bucket.updated).timeInterval
            bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.perSecond)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return .seconds((1 - bucket.tokens) / limit.perSecond)
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            if buckets.count > 10_000 { Self.dropFull(&buckets, now: now, limit: limit) }
            return nil
        }
    }

    /// A bucket that would be full by now carries no information; forgetting it bounds the memory.
    private static func dropFull(_ buckets: inout [UUID: Bucket], now: ContinuousClock.Instant, limit: RateLimit) {
        buckets = buckets.filter { _, bucket in
            bucket.tokens + (now - bucket.updated).timeInterval * limit.perSecond < Double(limit.burst)
        }
    }
}
