import Foundation
import Synchronization

/// When each recent command was handed to the broker, so an acknowledgement's latency can be measured on one
/// clock (the device's own clock may be off). Kept in memory and bounded: a command older than the window is
/// forgotten, and its late acknowledgements simply go unmeasured.
///
/// Two generations, swapped when the current one holds half the capacity or is half the window old: every call is
/// O(1) under the lock. Pruning one dictionary of 200,000 entries in place (a filter, then a sort) held the lock
/// for 200 ms and stalled every webhook publishing meanwhile (`scripts/bench`'s 1,000/s trial after the overload
/// trials, p99 150 ms). A command is remembered for at least half the window or half the capacity, whichever
/// comes first, and never past the window.
final class PublishTimes: Sendable {
    private struct Generations {
        var current: [UUID: ContinuousClock.Instant] = [:]
        var previous: [UUID: ContinuousClock.Instant] = [:]
        var currentSince: ContinuousClock.Instant
    }

    private let generations: Mutex<Generations>
    private let window: Duration
    private let capacity: Int

    init(window: Duration = .seconds(600), capacity: Int = 200_000) {
        self.window = window
        self.capacity = capacity
        generations = Mutex(Generations(currentSince: .now))
    }

    func published(_ command: UUID, at instant: ContinuousClock.Instant = .now) {
        // The retired generation is freed here, after the lock is released.
        let retired = generations.withLock { generations -> [UUID: ContinuousClock.Instant]? in
            if generations.current[command] == nil, generations.previous[command] == nil {
                generations.current[command] = instant
            }
            guard generations.current.count >= capacity / 2 || instant - generations.currentSince >= window / 2
            else { return nil }
            defer {
                generations.previous = generations.current
                generations.current = [:]
                generations.currentSince = instant
            }
            return generations.previous
        }
        _ = retired
    }

    /// Time since `command` was published, if it is still remembered.
    func elapsed(since command: UUID, now: ContinuousClock.Instant = .now) -> Duration? {
        let started = generations.withLock { $0.current[command] ?? $0.previous[command] }
        guard let started, now - started <= window else { return nil }
        return now - started
    }

    /// How many publish times are held, for tests.
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }
}
