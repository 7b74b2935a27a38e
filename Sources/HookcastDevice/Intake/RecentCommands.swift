import Foundation

/// What `CommandTriage` needs to know of the commands a device already answered.
protocol CommandMemory {
    func outcome(of id: UUID) -> CommandOutcome?
}

extension SeenCommands: CommandMemory {}

/// The last few commands a simulated device answered, in a ring searched from end to end: at 16 entries that is
/// cheaper than hashing, and a third of `SeenCommands`' memory, whose dictionary and order list cost ~1.9 KiB per
/// device at this size (5,000 simulated devices after 50 broadcasts: 13.2 KiB each with it, the fleet's budget is
/// 16 KiB).
struct RecentCommands: CommandMemory {
    let capacity: Int
    private var ids: [UUID] = []
    private var outcomes: [CommandOutcome] = []
    /// Where the next new entry goes once the ring is full: the oldest.
    private var oldest = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func outcome(of id: UUID) -> CommandOutcome? {
        ids.firstIndex(of: id).map { outcomes[$0] }
    }

    /// Records or updates the outcome of `id`; past the capacity the oldest entry makes room.
    mutating func record(_ id: UUID, _ outcome: CommandOutcome) {
        if let index = ids.firstIndex(of: id) {
            outcomes[index] = outcome
            return
        }
        guard ids.count == capacity else {
            if ids.isEmpty {
                ids.reserveCapacity(capacity)
                outcomes.reserveCapacity(capacity)
            }
            ids.append(id)
            outcomes.append(outcome)
            return
        }
        ids[oldest] = id
        outcomes[oldest] = outcome
        oldest = (oldest + 1) % capacity
    }

    var count: Int { ids.count }
}
