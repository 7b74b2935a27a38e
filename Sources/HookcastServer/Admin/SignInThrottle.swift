import Foundation
import Synchronization

/// Slows down guessing the admin token: each client address may fail `burst` sign-ins at once (a bearer token on
/// the admin API or the console's sign-in), then one more every `refill`; past that it is refused with 429 before
/// its token is even compared. Successes cost nothing.
///
/// In memory and bounded: beyond `capacity` addresses, those that have earned back their whole allowance are
/// forgotten first, then the ones idle longest, so a flood of addresses costs a fixed amount of memory.
final class SignInThrottle: Sendable {
    struct Policy: Sendable {
        var burst: Int = 10
        var refill: Duration = .seconds(6)
        var capacity: Int = 10_000
    }

    private struct Allowance {
        /// Failures still allowed at `updated`, with fractions earned back since.
        var remaining: Double
        var updated: ContinuousClock.Instant
    }

    let policy: Policy
    private let allowances = Mutex<[String: Allowance]>([:])

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// How long `address` must wait before it may try again; nil when it may try now.
    func wait(for address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        allowances.withLock { allowances in
            guard let allowance = allowances[address] else { return nil }
            let remaining = earned(allowance, now: now)
            guard remaining < 1 else { return nil }
            return policy.refill * (1 - remaining)
        }
    }

    /// Counts a failed sign-in from `address`.
    func recordFailure(from address: String, now: ContinuousClock.Instant = .now) {
        allowances.withLock { allowances in
            let remaining = allowances[address].map { earned($0, now: now) } ?? Double(policy.burst)
            if allowances[address] == nil, allowances.count >= policy.capacity {
                makeRoom(in: &allowances, now: now)
            }
            allowances[address] = Allowance(remaining: max(remaining - 1, 0), updated: now)
        }
    }

    /// Addresses remembered now (for tests of the bound).
    var count: Int { allowances.withLock { $0.count } }

    private func earned(_ allowance: Allowance, now: ContinuousClock.Instant) -> Double {
        let elapsed = now - allowance.updated
        let earned = max(elapsed / policy.refill, 0)
        return min(allowance.remaining + earned, Double(policy.burst))
    }

    private func makeRoom(in allowances: inout [String: Allowance], now: ContinuousClock.Instant) {
        allowances = allowances.filter { earned($0.value, now: now) < Double(policy.burst) }
        while allowances.count >= policy.capacity,
            let idlest = allowances.min(by: { $0.value.updated < $1.value.updated })
        {
            allowances[idlest.key] = nil
        }
    }
}

extension SignInThrottle {
    /// Throws 429 with Retry-After when `address` has failed too often; the token is not compared then.
    func check(_ address: String, now: ContinuousClock.Instant = .now) throws {
        guard let wait = wait(for: address, now: now) else { return }
        let seconds = max(Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0), 1)
        throw APIError(
            .tooManyRequests, "too_many_failed_sign_ins",
            "Too many wrong admin tokens came from this address; try again in \(seconds) s.",
            headers: [.retryAfter: String(seconds)])
    }
}
