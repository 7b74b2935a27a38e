import Dispatch
import Synchronization

/// What the caller's thread and the journal's own thread share, and the body of the latter: about once a second
/// it syncs what was appended, and it writes the snapshots `compact` asks for. It takes its work out under the
/// lock and does it with the lock released, so the caller's thread never waits for a disk.
final class JournalWorker: Sendable {
    let directory: JournalDirectory
    let log: @Sendable (String) -> Void
    let state: Mutex<JournalState>
    /// Signalled (after the lock is released) when a compaction or `close` should not wait for the next second.
    let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    init(directory: JournalDirectory, state: JournalState, log: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        self.state = Mutex(state)
        self.log = log
    }

    /// The thread's body; returns after the round that saw `closed`.
    func run() {
        while true {
            _ = wake.wait(timeout: .now() + .seconds(1))
            let work = state.withLock { $0.takeWork() }
            perform(work)
            if work.stop { break }
        }
        stopped.signal()
    }

    /// Marks the journal closed and wakes the thread for its last round; false if it was closed already.
    @discardableResult
    func requestStop() -> Bool {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first { wake.signal() }
        return first
    }

    /// Blocks until `run` has finished its last round.
    func waitUntilStopped() {
        stopped.wait()
    }

    private func perform(_ work: JournalWork) {
        for segment in work.retired {
            sync(segment)
            JournalFile.closeFile(segment.descriptor)
        }
        if let active = work.syncActive { sync(active) }
        if work.syncDirectory {
            report { () throws(AccountJournalError) in try JournalFile.syncDirectory(directory.path) }
        }
        if let compaction = work.compaction { compact(compaction) }
        if work.stop, let active = work.syncActive { JournalFile.closeFile(active.descriptor) }
    }

    private func sync(_ segment: JournalState.Segment) {
        report { () throws(AccountJournalError) in
            try JournalFile.syncData(segment.descriptor, path: directory.segment(segment.sequence))
        }
    }

    private func compact(_ compaction: JournalState.Compaction) {
        let started = ContinuousClock.now
        let accounts = compaction.snapshot()
        var written: Int?
        do {
            written = try JournalSnapshotWriter.write(accounts, covering: compaction.covers, in: directory)
            log(
                "account journal: wrote \(directory.snapshot(compaction.covers)) with \(accounts.count) accounts "
                    + "(\(written ?? 0) bytes) in \(ContinuousClock.now - started)")
        } catch {
            log("account journal: compaction failed, the journal grows until it is tried again: \(error)")
        }
        // Once the snapshot is counted, the covered segments are not, whether or not deleting them works.
        state.withLock { $0.finishCompaction(compaction, snapshotBytes: written, now: .now) }
        if written != nil {
            report { () throws(AccountJournalError) in
                try JournalSnapshotWriter.removeCovered(by: compaction.covers, in: directory)
            }
        }
    }

    private func report(_ operation: () throws(AccountJournalError) -> Void) {
        do {
            try operation()
        } catch {
            log("account journal: \(error)")
        }
    }
}
