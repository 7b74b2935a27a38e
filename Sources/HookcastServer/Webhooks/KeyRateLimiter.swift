import Foundation
import HookcastCore
import Synchronization

/// One token bucket per API key, so a caller that floods the gateway is slowed down alone: the others keep their
/// own buckets. Buckets live in memory (a restart refills them) and are dropped once full again. Gateways sharing a
/// database each count alone and hold each key to its share of the limit (`instances`), not the whole: a shared
/// bucket would cost a database write per webhook.
final class KeyRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
        /// The limit the bucket was last charged under: keys have limits of their own, so forgetting full buckets
        /// must judge each by its own.
        var limit: RateLimit

        func isFull(at now: ContinuousClock.Instant) -> Bool {
            tokens + (now - updated).timeInterval * limit.perSecond >= Double(limit.burst)
        }
    }

    private let buckets = Mutex<[UUID: Bucket]>([:])
    let defaultLimit: RateLimit
    /// The gateways the limits are shared out between.
    let instances: Int
    /// Past this many buckets the full ones are forgotten.
    private let pruneAbove: Int

    init(defaultLimit: RateLimit, instances: Int = 1, pruneAbove: Int = 10_000) {
        self.defaultLimit = defaultLimit
        self.instances = max(instances, 1)
        self.pruneAbove = pruneAbove
    }

    /// Takes one token for `key`; nil when allowed, else how long until a token is there.
    func take(for key: UUID, limit override: RateLimit?, now: ContinuousClock.Instant = .now) -> Duration? {
        let limit = (override ?? defaultLimit).share(of: instances)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now, limit: limit)
            let elapsed = (now - bucket.updated).timeInterval
            bucket.tokens = min(Double(limit.burst), bucket.tokens + elapsed * limit.perSecond)
            bucket.updated = now
            bucket.limit = limit
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return .seconds((1 - bucket.tokens) / limit.perSecond)
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            if buckets.count > pruneAbove { buckets = buckets.filter { !$0.value.isFull(at: now) } }
            return nil
        }
    }
}
