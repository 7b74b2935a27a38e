import Dispatch
import HookcastProtocol

/// The plugin's device accounts on disk, so they survive a `kill -9` of the broker (docs/broker-plugin.md,
/// "Journal"): an append-only journal of changes in segments, compacted now and then into a snapshot.
///
/// The broker's thread calls `append` (one write(2) into the page cache), `compactionNeed` and `compact` (which
/// only switches to a new segment). Everything that waits for the disk (fdatasync about once a second after a
/// write, writing and syncing a snapshot, deleting what it replaces) runs on a thread the journal owns. Call
/// `load` once, before the first `append`, and `close` when done.
public final class AccountJournal: Sendable {
    /// Below this many journal bytes since the snapshot, compaction is not worth it whatever the snapshot's size.
    static let defaultCompactionFloor = 1024 * 1024

    private let worker: JournalWorker
    private var directory: JournalDirectory { worker.directory }

    /// Opens the journal in `directory`, creating it (mode 0700) if missing, and starts a new segment for this
    /// run's appends. `log` receives one line per notable event (a torn record skipped, a compaction); lines name
    /// files and counts, never credentials.
    public convenience init(directory: String, log: @escaping @Sendable (String) -> Void) throws {
        try self.init(directory: directory, compactionFloor: Self.defaultCompactionFloor, log: log)
    }

    init(directory path: String, compactionFloor: Int, log: @escaping @Sendable (String) -> Void) throws {
        try JournalFile.createDirectoryIfMissing(path)
        let directory = JournalDirectory(path: path)
        let listing = try directory.list()
        let snapshotBytes = try listing.newestSnapshot.map { try JournalFile.size(directory.snapshot($0)) } ?? 0
        var journalBytes = 0
        for sequence in listing.liveSegments { journalBytes += try JournalFile.size(directory.segment(sequence)) }
        // Never appended to an existing segment: its last record may be torn, and a record after it would be lost.
        let sequence = listing.nextSequence
        let active = JournalState.Segment(
            descriptor: try JournalFile.openForAppend(directory.segment(sequence)), sequence: sequence, bytes: 0)
        let state = JournalState(
            active: active, snapshotBytes: snapshotBytes, bytesSinceSnapshot: journalBytes,
            compactionFloor: compactionFloor)
        let worker = JournalWorker(directory: directory, state: state, log: log)
        self.worker = worker
        // A queue of its own rather than Foundation's `Thread`, which would link CoreFoundation and ICU into the
        // broker plugin (it then fails to load on their undefined symbols); `run` holds the queue's thread until
        // `close`.
        DispatchQueue(label: "hookcast-account-journal").async { worker.run() }
    }

    deinit {
        // Not `close()`: the last reference may be dropped on the journal's own thread (a `snapshot` closure that
        // captured the journal), which must not wait for itself. The thread finishes its last round on its own.
        worker.requestStop()
    }

    /// Every account: the newest snapshot, then the segments after it; the last put of an id wins and a delete
    /// removes it. Sorted by id.
    public func load() throws -> [BrokerDeviceAccount] {
        try loadContents().devices
    }

    /// The device accounts as `load` gives them, and the client accounts the same way, sorted by user name.
    public func loadContents() throws -> JournalContents {
        try JournalLoader.load(directory, log: worker.log)
    }

    /// Records `changes`, in order, as one record written with one write(2) on the caller's thread. After it
    /// returns the changes survive the process being killed; a power loss can take the last second or so.
    public func append(_ changes: [AccountChange]) throws {
        guard !changes.isEmpty else { return }
        let record = JournalRecord.frame(JournalPayload.changes(changes).encoded())
        // The write happens under the lock so it cannot race `close`; the journal's thread holds the lock only to
        // take its work out, never while it waits for the disk.
        try worker.state.withLock { (state) throws(AccountJournalError) in
            guard !state.closed else { throw .closed }
            let path = directory.segment(state.active.sequence)
            // A part of a failed write would tear the segment in the middle, and a start-up reads a segment only up
            // to its first torn record: it is cut off again, and nothing is appended until that worked.
            if state.activeNeedsTruncation {
                try JournalFile.truncate(state.active.descriptor, to: state.active.bytes, path: path)
                state.activeNeedsTruncation = false
            }
            do throws(AccountJournalError) {
                try JournalFile.writeAll(state.active.descriptor, record, path: path)
            } catch {
                do {
                    try JournalFile.truncate(state.active.descriptor, to: state.active.bytes, path: path)
                } catch {
                    state.activeNeedsTruncation = true
                }
                throw error
            }
            state.recordAppend(bytes: record.count)
        }
    }

    /// True when the journal since the newest snapshot has grown past about twice the snapshot (and past a
    /// floor), no compaction is under way and none failed in the last minute.
    public var needsCompaction: Bool { compactionNeed != .none }

    /// Whether a compaction is due, and whether it can wait for a pause in the changes (`CompactionSchedule`).
    public var compactionNeed: CompactionNeed {
        let now = ContinuousClock.now
        return worker.state.withLock { $0.compactionNeed(now: now) }
    }

    /// Switches appends to a new segment now and has the journal's thread call `snapshot` and write what it
    /// returns. `snapshot` must return at least every account that the changes appended so far produce; changes
    /// appended after this call may be in it or not, as the segment after the switch is replayed over it. Does
    /// nothing while another compaction is under way.
    public func compact(snapshot: @escaping @Sendable () -> any AccountSnapshot) {
        guard let sequence = worker.state.withLock({ $0.reserveSegmentSwitch() }) else { return }
        let path = directory.segment(sequence)
        let descriptor: Int32
        do {
            descriptor = try JournalFile.openForAppend(path)
        } catch {
            let now = ContinuousClock.now
            worker.state.withLock { $0.abandonSegmentSwitch(now: now) }
            worker.log("account journal: could not start a new segment for a compaction: \(error)")
            return
        }
        let segment = JournalState.Segment(descriptor: descriptor, sequence: sequence, bytes: 0)
        if worker.state.withLock({ $0.switchSegment(to: segment, snapshot: snapshot) }) {
            worker.wake.signal()
        } else {
            JournalFile.closeFile(descriptor)
            try? JournalFile.remove(path)
        }
    }

    /// Syncs what was appended, finishes a compaction already asked for, and stops the journal's thread. Later
    /// calls return at once; `append` throws after it.
    public func close() {
        guard worker.requestStop() else { return }
        worker.waitUntilStopped()
    }
}
