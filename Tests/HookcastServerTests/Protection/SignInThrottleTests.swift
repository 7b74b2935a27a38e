import Foundation
import Testing

@testable import HookcastServer

/// Issue 15, finding 6: wrong admin tokens are counted per client address, on a clock the test moves.
@Suite("SignInThrottle: failed admin sign-ins per address")
struct SignInThrottleTests {
    let start = ContinuousClock.now
    let throttle = SignInThrottle(policy: .init(burst: 3, refill: .seconds(10), capacity: 4))

    @Test("An address may fail `burst` times; then it waits one refill per further try, and others are unaffected")
    func burstThenRefill() {
        let throttle = SignInThrottle(policy: .init(burst: 3, refill: .seconds(8), capacity: 4))
        for _ in 0..<3 {
            #expect(throttle.wait(for: "10.0.0.1", now: start) == nil)
            throttle.recordFailure(from: "10.0.0.1", now: start)
        }
        #expect(throttle.wait(for: "10.0.0.1", now: start) == .seconds(8))
        #expect(throttle.wait(for: "10.0.0.1", now: start + .seconds(4)) == .seconds(4))
        #expect(throttle.wait(for: "10.0.0.2", now: start) == nil)
        #expect(throttle.wait(for: "10.0.0.1", now: start + .seconds(8)) == nil)
        throttle.recordFailure(from: "10.0.0.1", now: start + .seconds(8))
        #expect(throttle.wait(for: "10.0.0.1", now: start + .seconds(8)) == .seconds(8))
    }

    @Test("The 429 names the wait in whole seconds, rounded up, in Retry-After and the JSON detail")
    func retryAfter() throws {
        for _ in 0..<3 { throttle.recordFailure(from: "a", now: start) }
        let error = try #require(throws: APIError.self) { try throttle.check("a", now: start + .milliseconds(500)) }
        #expect(error.status == .tooManyRequests)
        #expect(error.code == "too_many_failed_sign_ins")
        #expect(error.headers[.retryAfter] == "10")
        #expect(error.detail.contains("10 s"))
        #expect(throws: Never.self) { try throttle.check("a", now: start + .seconds(10)) }
    }

    @Test("Memory is bounded: past capacity the forgiven addresses are forgotten first, then the idlest")
    func bounded() {
        let throttle = SignInThrottle(policy: .init(burst: 3, refill: .seconds(10), capacity: 3))
        for _ in 0..<3 { throttle.recordFailure(from: "locked", now: start) }
        throttle.recordFailure(from: "x", now: start)
        throttle.recordFailure(from: "y", now: start)
        #expect(throttle.count == 3)
        // Ten seconds on, x and y have earned their whole allowance back and are forgotten; "locked" is not.
        throttle.recordFailure(from: "z", now: start + .seconds(10))
        #expect(throttle.count == 2)
        throttle.recordFailure(from: "locked", now: start + .seconds(10))
        #expect(throttle.wait(for: "locked", now: start + .seconds(10)) == .seconds(10))
        for index in 0..<100 { throttle.recordFailure(from: "flood-\(index)", now: start + .seconds(11)) }
        #expect(throttle.count == 3)
    }
}
