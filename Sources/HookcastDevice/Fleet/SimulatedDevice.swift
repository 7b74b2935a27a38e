import HookcastProtocol

/// One simulated device: what it must remember, and no more, so ten thousand fit in a few tens of megabytes.
struct SimulatedDevice {
    /// Enough to recognise a QoS 1 redelivery or the same command on two topics; a simulated device answers at
    /// once, so nothing older comes back. 16, not 64: at 64 a device under sustained load held ~10 KiB of them,
    /// and 10,000 devices measured 17.3 KiB each (bench/results).
    static let seenCommandCapacity = 16

    let id: DeviceID
    /// The groups whose command topics it listens to, from its retained config.
    var groups: Set<GroupID> = []
    /// The tags whose command topics it listens to, from its retained config.
    var tags: Set<String> = []
    var seen = RecentCommands(capacity: seenCommandCapacity)
}
