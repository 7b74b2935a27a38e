import Synchronization

/// Counters of what the collector received, for logs and metrics.
final class AcknowledgementStatistics: Sendable {
    private let stored = Atomic<Int>(0)
    private let unknownCommands = Atomic<Int>(0)
    private let malformedMessages = Atomic<Int>(0)

    func recorded(_ count: Int, unknownCommand: Int) {
        stored.add(count, ordering: .relaxed)
        unknownCommands.add(unknownCommand, ordering: .relaxed)
    }

    func malformed() { malformedMessages.add(1, ordering: .relaxed) }

    var snapshot: (stored: Int, unknownCommands: Int, malformed: Int) {
        (
            stored.load(ordering: .relaxed), unknownCommands.load(ordering: .relaxed),
            malformedMessages.load(ordering: .relaxed)
        )
    }
}
