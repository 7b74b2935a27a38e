import Testing

@testable import HookcastServer

/// The log of refused device messages stays readable when a whole fleet is wrong at once (`RefusalLogLimiter`).
@Suite struct RefusalLogLimiterTests {
    let start = ContinuousClock.now

    @Test("A device is logged once per interval; its repeats are counted into the next line written")
    func perDevice() {
        var limiter = RefusalLogLimiter(bounds: .init(perDevice: .seconds(900), linesPerMinute: 100))
        #expect(limiter.decide(device: "d1", now: start) == .log(suppressed: 0))
        #expect(limiter.decide(device: "d1", now: start + .seconds(1)) == .suppress)
        #expect(limiter.decide(device: "d1", now: start + .seconds(899)) == .suppress)
        #expect(limiter.decide(device: "d2", now: start + .seconds(899)) == .log(suppressed: 2))
        #expect(limiter.decide(device: "d1", now: start + .seconds(900)) == .log(suppressed: 0))
    }

    @Test("100,000 devices refused within a minute write the minute's bound of lines, not 100,000")
    func fleetWide() {
        var limiter = RefusalLogLimiter(bounds: .init(linesPerMinute: 20, rememberedDevices: 1_000))
        var written = 0
        for index in 0..<100_000 {
            let now = start + .milliseconds(index / 2)  // 50 s for the whole fleet
            if case .log = limiter.decide(device: "d\(index)", now: now) { written += 1 }
        }
        #expect(written == 20)
        // The next minute: lines again, and the first says how many were left out.
        #expect(limiter.decide(device: "late", now: start + .seconds(61)) == .log(suppressed: 100_000 - 20))
    }

    @Test("The devices remembered are bounded; old entries make room")
    func bounded() {
        var limiter = RefusalLogLimiter(
            bounds: .init(perDevice: .seconds(10), linesPerMinute: 1_000, rememberedDevices: 2))
        #expect(limiter.decide(device: "a", now: start) == .log(suppressed: 0))
        #expect(limiter.decide(device: "b", now: start) == .log(suppressed: 0))
        // Full, nothing old: "c" is logged but not remembered, so it may be logged again.
        #expect(limiter.decide(device: "c", now: start + .seconds(1)) == .log(suppressed: 0))
        #expect(limiter.decide(device: "c", now: start + .seconds(2)) == .log(suppressed: 0))
        #expect(limiter.decide(device: "a", now: start + .seconds(3)) == .suppress)
        // "a" and "b" are older than the interval now: forgotten to make room, and "c" is remembered.
        #expect(limiter.decide(device: "c", now: start + .seconds(11)) == .log(suppressed: 1))
        #expect(limiter.decide(device: "c", now: start + .seconds(12)) == .suppress)
    }
}
