import HookcastProtocol

/// What the caller's thread and the journal's own thread share, under one lock: bookkeeping only, no I/O. The
/// caller's thread writes records and switches segments; the journal's thread takes `JournalWork` out (the slow
/// part) and does it with the lock released.
struct JournalState {
    struct Segment: Equatable {
        var descriptor: Int32
        var sequence: UInt64
        var bytes: Int
    }

    struct Compaction {
        /// The snapshot covers the segments numbered below this one.
        var covers: UInt64
        /// Journal bytes in those segments: what a written snapshot makes unnecessary.
        var coveredBytes: Int
        var snapshot: @Sendable () -> any AccountSnapshot
    }

    /// A compaction that failed is tried again after this long, not on the very next append.
    static let retryDelay = Duration.seconds(60)

    var active: Segment
    /// Size of the newest snapshot, and of the segments written after it: compaction pays when the second is
    /// about twice the first (and above `compactionFloor`, so a small journal is not rewritten every few changes).
    var snapshotBytes: Int
    var bytesSinceSnapshot: Int
    let compactionFloor: Int
    var activeUnsynced = false
    /// A failed write left part of a record that cutting it off did not remove yet.
    var activeNeedsTruncation = false
    /// A new segment's directory entry survives a power loss only once the directory is synced.
    var directoryUnsynced = true
    /// Segments switched away from, still open until the journal's thread syncs and closes them.
    var retired: [Segment] = []
    var pendingCompaction: Compaction?
    /// From the segment switch until the snapshot is written (or failed).
    var compacting = false
    var retryAfter: ContinuousClock.Instant?
    var closed = false

    /// A journal this many times past its threshold compacts even while changes stream (`CompactionSchedule`).
    static let overdueFactor = 4

    func needsCompaction(now: ContinuousClock.Instant) -> Bool {
        compactionNeed(now: now) != .none
    }

    func compactionNeed(now: ContinuousClock.Instant) -> CompactionNeed {
        let threshold = max(compactionFloor, 2 * snapshotBytes)
        guard !closed, !compacting, bytesSinceSnapshot > threshold, retryAfter.map({ now >= $0 }) ?? true else {
            return .none
        }
        return bytesSinceSnapshot > Self.overdueFactor * threshold ? .overdue : .due
    }

    mutating func recordAppend(bytes: Int) {
        active.bytes += bytes
        bytesSinceSnapshot += bytes
        activeUnsynced = true
    }

    /// The number of the segment to switch to, or nil if a compaction is under way or the journal is closed.
    mutating func reserveSegmentSwitch() -> UInt64? {
        guard !closed, !compacting else { return nil }
        compacting = true
        return active.sequence + 1
    }

    /// Makes `segment` the one appended to and hands the compaction to the journal's thread. False when the
    /// journal was closed since the reservation: the caller closes the new segment then.
    mutating func switchSegment(to segment: Segment, snapshot: @escaping @Sendable () -> any AccountSnapshot) -> Bool {
        guard !closed else {
            compacting = false
            return false
        }
        retired.append(active)
        active = segment
        // A torn tail of the old segment is the last thing in it, which start-up skips.
        activeNeedsTruncation = false
        directoryUnsynced = true
        pendingCompaction = Compaction(covers: segment.sequence, coveredBytes: bytesSinceSnapshot, snapshot: snapshot)
        return true
    }

    mutating func abandonSegmentSwitch(now: ContinuousClock.Instant) {
        compacting = false
        retryAfter = now + Self.retryDelay
    }

    mutating func takeWork() -> JournalWork {
        let work = JournalWork(
            retired: retired,
            syncActive: activeUnsynced || closed ? active : nil,
            syncDirectory: directoryUnsynced,
            compaction: pendingCompaction,
            stop: closed)
        retired = []
        activeUnsynced = false
        directoryUnsynced = false
        pendingCompaction = nil
        return work
    }

    /// `snapshotBytes` is the written snapshot's size, or nil if writing it failed.
    mutating func finishCompaction(_ compaction: Compaction, snapshotBytes written: Int?, now: ContinuousClock.Instant)
    {
        compacting = false
        if let written {
            snapshotBytes = written
            bytesSinceSnapshot -= compaction.coveredBytes
        } else {
            retryAfter = now + Self.retryDelay
        }
    }
}

/// What the journal's thread does in one round, with the lock released.
struct JournalWork {
    /// fdatasync, then close.
    var retired: [JournalState.Segment]
    /// fdatasync (and close too when `stop`).
    var syncActive: JournalState.Segment?
    var syncDirectory: Bool
    var compaction: JournalState.Compaction?
    /// The journal is closed: this is the last round.
    var stop: Bool
}
