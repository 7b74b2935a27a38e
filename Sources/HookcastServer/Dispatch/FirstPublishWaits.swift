import Foundation
import Synchronization

/// Webhooks waiting for the broker's PUBACK of the command they just stored, each answered `false` (`queued`)
/// once it has waited past the deadline (`expire`, at the delivery service's ticks) while its publish goes on.
///
/// A broker that stalls without closing the connection (a hung host, a stopped process) leaves the MQTT client
/// waiting for the PUBACK up to its acknowledgement timeout, 30 s: a webhook answered after 30 s is one an
/// emergency service has long since retried. The command is stored before its publish starts, so answering
/// `queued` loses nothing; the publish's outcome still reaches the lifecycle, which has the outbox send the
/// command again only if that publish fails.
final class FirstPublishWaits: Sendable {
    private struct Waiting {
        var since: ContinuousClock.Instant
        var caller: CheckedContinuation<Bool, Never>?
        /// The publish ended before the caller came to wait.
        var outcome: Bool?
    }

    private let waiting = Mutex<[UUID: Waiting]>([:])

    /// Call before the publish of `id` starts.
    func begin(_ id: UUID, at now: ContinuousClock.Instant = .now) {
        waiting.withLock { $0[id] = Waiting(since: now) }
    }

    /// The publish of `id` ended: its caller hears `published`, unless it was answered already.
    func finish(_ id: UUID, published: Bool) {
        let caller = waiting.withLock { waiting -> CheckedContinuation<Bool, Never>? in
            guard var entry = waiting[id] else { return nil }
            guard let caller = entry.caller else {
                entry.outcome = published
                waiting[id] = entry
                return nil
            }
            waiting[id] = nil
            return caller
        }
        // Resumed outside the lock.
        caller?.resume(returning: published)
    }

    /// Whether the broker acknowledged the publish of `id`, or `false` once the wait expired.
    func outcome(of id: UUID) async -> Bool {
        await withCheckedContinuation { caller in
            let ready = waiting.withLock { waiting -> Bool? in
                guard var entry = waiting[id] else { return false }
                if let outcome = entry.outcome {
                    waiting[id] = nil
                    return outcome
                }
                entry.caller = caller
                waiting[id] = entry
                return nil
            }
            if let ready { caller.resume(returning: ready) }
        }
    }

    /// Callers waiting since before `cutoff` hear `false`. An outcome already in stays for its caller.
    func expire(before cutoff: ContinuousClock.Instant) {
        let expired = waiting.withLock { waiting -> [CheckedContinuation<Bool, Never>] in
            let ids = waiting.compactMap { id, entry in entry.since < cutoff && entry.outcome == nil ? id : nil }
            return ids.compactMap { waiting.removeValue(forKey: $0)?.caller }
        }
        for caller in expired { caller.resume(returning: false) }
    }
}
