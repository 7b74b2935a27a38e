import Foundation
import Synchronization

/// When each recent command was handed to the broker, so an acknowledgement's latency can be measured on one
/// clock (the device's own clock may be off). Kept in memory and bounded: a command older than the window is
/// forgotten, and its late acknowledgements simply go unmeasured.
final class PublishTimes: Sendable {
    private let started = Mutex<[UUID: ContinuousClock.Instant]>([:])
    private let window: Duration
    private let capacity: Int

    init(window: Duration = .seconds(600), capacity: Int = 200_000) {
        self.window = window
        self.capacity = capacity
    }

    func published(_ command: UUID, at instant: ContinuousClock.Instant = .now) {
        started.withLock { started in
            if started[command] == nil { started[command] = instant }
            guard started.count > capacity else { return }
            let horizon = instant - window
            started = started.filter { $0.value >= horizon }
            // Still full within the window: keep the newer half.
            if started.count > capacity {
                let newest = started.sorted { $0.value > $1.value }.prefix(capacity / 2)
                started = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
            }
        }
    }

    /// Time since `command` was published, if it is still remembered.
    func elapsed(since command: UUID, now: ContinuousClock.Instant = .now) -> Duration? {
        started.withLock { $0[command] }.map { now - $0 }
    }
}
