import Synchronization

/// Hands out request numbers, never the same twice in a run.
final class SequenceSource: Sendable {
    private let next = Mutex(0)

    /// The first of `count` consecutive numbers.
    func take(_ count: Int) -> Int {
        next.withLock { next in
            defer { next += count }
            return next
        }
    }
}
