import Synchronization

/// Counters the loop thread updates and anyone may read.
final class FleetCounters: Sendable {
    let commandsAcknowledged = Atomic<Int>(0)
    let commandsExecuted = Atomic<Int>(0)
}

/// A snapshot of a running fleet, for the periodic summary and for tests.
public struct FleetStatistics: Sendable, Equatable {
    public var devices: Int
    public var connected: Int
    /// Acknowledgements published (duplicates included).
    public var commandsAcknowledged: Int
    /// Commands carried out, each command id once per device.
    public var commandsExecuted: Int
}
