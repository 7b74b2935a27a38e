import HookcastCore

/// One simulated device: what it must remember, and no more, so ten thousand fit in a few tens of megabytes.
struct SimulatedDevice {
    /// Enough to recognise a QoS 1 redelivery or the same command on two topics; a simulated device runs nothing
    /// that takes long enough for more to pile up.
    static let seenCommandCapacity = 64

    let id: DeviceID
    /// The groups whose command topics it listens to, from its retained config.
    var groups: Set<GroupID> = []
    var seen = SeenCommands(capacity: seenCommandCapacity)
}
