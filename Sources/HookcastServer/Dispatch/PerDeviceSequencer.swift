import HookcastCore

/// Runs work for one device strictly after the work queued before it for the same device. A retained config read
/// from the store earlier can then never reach the broker after one read later: without it, the re-publication
/// on connect could overwrite a membership change that happened meanwhile with the stale list.
actor PerDeviceSequencer {
    private var tails: [DeviceID: (id: UInt64, task: Task<Void, Never>)] = [:]
    private var nextID: UInt64 = 0

    /// Queues `work` behind the device's earlier work and waits for it to finish.
    func run(for device: DeviceID, _ work: @escaping @Sendable () async -> Void) async {
        let previous = tails[device]?.task
        nextID += 1
        let id = nextID
        let task = Task {
            await previous?.value
            await work()
        }
        tails[device] = (id, task)
        await task.value
        if tails[device]?.id == id { tails[device] = nil }
    }
}
