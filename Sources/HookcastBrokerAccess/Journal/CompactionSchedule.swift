/// How urgently the journal wants a compaction (`AccountJournal.compactionNeed`).
public enum CompactionNeed: Sendable, Equatable {
    /// Not due, under way, or failed in the last minute.
    case none
    /// Past its threshold: about twice the snapshot and above the floor.
    case due
    /// `JournalState.overdueFactor` times past its threshold: the journal keeps growing under a stream of changes.
    case overdue
}

/// When the broker's thread starts a compaction that is due. Starting one hands the journal's thread a copy of the
/// tables, and the broker's thread's next change then copies them whole (copy-on-write), a millisecond or more in
/// which the broker moves no message; an import streams a request every few milliseconds, so that copy lands
/// inside it. A due compaction therefore waits until changes have paused for `quietPeriod`, when nothing changes
/// the tables while the journal's thread writes them and nothing is copied; only an overdue one starts at once.
public struct CompactionSchedule: Sendable {
    public static let quietPeriod = Duration.milliseconds(200)

    /// The last change after which a compaction was due, while one waits.
    private var lastChange: ContinuousClock.Instant?

    public init() {}

    /// Whether a compaction waits for a pause: `tick` needs the clock only then.
    public var isWaiting: Bool { lastChange != nil }

    /// After changes were journaled: whether to compact now.
    public mutating func changed(_ need: CompactionNeed, at now: ContinuousClock.Instant) -> Bool {
        switch need {
        case .none:
            lastChange = nil
            return false
        case .due:
            lastChange = now
            return false
        case .overdue:
            lastChange = nil
            return true
        }
    }

    /// On the broker's periodic tick: whether the pause has come (once per wait).
    public mutating func tick(at now: ContinuousClock.Instant) -> Bool {
        guard let lastChange, now - lastChange >= Self.quietPeriod else { return false }
        self.lastChange = nil
        return true
    }
}
