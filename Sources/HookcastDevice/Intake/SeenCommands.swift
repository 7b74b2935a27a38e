import Foundation

/// The commands already handled and what they were acknowledged with, so a redelivery (QoS 1, or the same command
/// on two topics) is acknowledged again without running it twice. Bounded: beyond `capacity` the entries handled
/// longest ago are forgotten; a command that old has expired long before the broker would redeliver it.
struct SeenCommands: Sendable, Equatable {
    static let defaultCapacity = 10_000

    struct Entry: Codable, Sendable, Equatable {
        var id: UUID
        var outcome: CommandOutcome

        enum CodingKeys: String, CodingKey {
            case id, outcome
        }
    }

    let capacity: Int
    private var outcomes: [UUID: CommandOutcome] = [:]
    /// Oldest first; holds exactly the keys of `outcomes`.
    private var order: [UUID] = []

    init(capacity: Int = defaultCapacity, entries: [Entry] = []) {
        self.capacity = max(1, capacity)
        for entry in entries { record(entry.id, entry.outcome) }
    }

    var count: Int { outcomes.count }

    func outcome(of id: UUID) -> CommandOutcome? { outcomes[id] }

    mutating func record(_ id: UUID, _ outcome: CommandOutcome) {
        if outcomes.updateValue(outcome, forKey: id) == nil { order.append(id) }
        let excess = order.count - capacity
        guard excess > 0 else { return }
        for evicted in order.prefix(excess) { outcomes[evicted] = nil }
        order.removeFirst(excess)
    }

    /// Oldest first, for the state file.
    var entries: [Entry] {
        order.compactMap { id in outcomes[id].map { Entry(id: id, outcome: $0) } }
    }
}
