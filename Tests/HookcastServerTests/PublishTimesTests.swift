import Foundation
import Testing

@testable import HookcastServer

@Suite struct PublishTimesTests {
    @Test("Memory stays within the capacity, recent commands are remembered, and nothing past the window")
    func boundedByCapacityAndWindow() {
        let times = PublishTimes(window: .seconds(600), capacity: 1_000)
        let start = ContinuousClock.now
        let ids = (0..<5_000).map { _ in UUID() }
        for (index, id) in ids.enumerated() { times.published(id, at: start + .milliseconds(index)) }
        #expect(times.count <= 1_000)
        // The last half capacity are always remembered.
        let now = start + .seconds(10)
        for id in ids.suffix(500) { #expect(times.elapsed(since: id, now: now) != nil) }
        #expect(times.elapsed(since: ids[0], now: now) == nil)
        // The first publish counts: publishing again does not move it.
        let last = ids[ids.count - 1]
        times.published(last, at: start + .seconds(5))
        #expect(times.elapsed(since: last, now: now) == .seconds(10) - .milliseconds(4_999))
        #expect(times.elapsed(since: last, now: start + .seconds(700)) == nil)
    }

    @Test("A generation older than half the window is retired even when it holds few commands")
    func retiredByAge() {
        let times = PublishTimes(window: .seconds(10), capacity: 1_000)
        let start = ContinuousClock.now
        let early = UUID()
        times.published(early, at: start)
        times.published(UUID(), at: start + .seconds(6))
        let latest = UUID()
        times.published(latest, at: start + .seconds(12))
        #expect(times.elapsed(since: early, now: start + .seconds(12)) == nil)
        #expect(times.elapsed(since: latest, now: start + .seconds(13)) == .seconds(1))
        #expect(times.count == 1)
    }
}
