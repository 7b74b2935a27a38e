import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

/// The bookkeeping the two threads share, without files: what each step hands to the journal's thread.
@Suite("Account journal state")
struct JournalStateTests {
    let now = ContinuousClock.now

    func state(snapshotBytes: Int = 0, bytesSinceSnapshot: Int = 0, floor: Int = 100) -> JournalState {
        JournalState(
            active: .init(descriptor: 10, sequence: 5, bytes: 0), snapshotBytes: snapshotBytes,
            bytesSinceSnapshot: bytesSinceSnapshot, compactionFloor: floor)
    }

    @Test("Compaction is due past both the floor and twice the snapshot")
    func compactionThreshold() {
        #expect(!state(bytesSinceSnapshot: 100).needsCompaction(now: now))
        #expect(state(bytesSinceSnapshot: 101).needsCompaction(now: now))
        #expect(!state(snapshotBytes: 400, bytesSinceSnapshot: 800).needsCompaction(now: now))
        #expect(state(snapshotBytes: 400, bytesSinceSnapshot: 801).needsCompaction(now: now))
    }

    @Test("Compaction is overdue at four times its threshold")
    func compactionOverdue() {
        #expect(state(bytesSinceSnapshot: 100).compactionNeed(now: now) == .none)
        #expect(state(bytesSinceSnapshot: 400).compactionNeed(now: now) == .due)
        #expect(state(bytesSinceSnapshot: 401).compactionNeed(now: now) == .overdue)
        #expect(state(snapshotBytes: 400, bytesSinceSnapshot: 3200).compactionNeed(now: now) == .due)
        #expect(state(snapshotBytes: 400, bytesSinceSnapshot: 3201).compactionNeed(now: now) == .overdue)
        var running = state(bytesSinceSnapshot: 5000)
        _ = running.reserveSegmentSwitch()
        #expect(running.compactionNeed(now: now) == .none)
    }

    @Test("A new segment is handed out once, the old one retired and the compaction queued for the thread")
    func segmentSwitch() throws {
        var state = state()
        state.recordAppend(bytes: 150)
        #expect(state.active.bytes == 150 && state.bytesSinceSnapshot == 150 && state.activeUnsynced)
        let sequence = state.reserveSegmentSwitch()
        let second = state.reserveSegmentSwitch()
        #expect(sequence == 6 && second == nil)
        #expect(!state.needsCompaction(now: now))
        let switched = state.switchSegment(to: .init(descriptor: 11, sequence: 6, bytes: 0)) { [BrokerDeviceAccount]() }
        #expect(switched)
        state.recordAppend(bytes: 40)

        let work = state.takeWork()
        #expect(work.retired == [.init(descriptor: 10, sequence: 5, bytes: 150)])
        #expect(work.syncActive == .init(descriptor: 11, sequence: 6, bytes: 40))
        #expect(work.syncDirectory && !work.stop)
        let compaction = try #require(work.compaction)
        #expect(compaction.covers == 6 && compaction.coveredBytes == 150)

        let next = state.takeWork()
        #expect(next.retired.isEmpty && next.syncActive == nil && !next.syncDirectory && next.compaction == nil)

        state.finishCompaction(compaction, snapshotBytes: 90, now: now)
        // The 40 bytes after the switch still count; the 150 the snapshot covers do not.
        #expect(state.bytesSinceSnapshot == 40 && state.snapshotBytes == 90)
        let afterwards = state.reserveSegmentSwitch()
        #expect(afterwards == 7)
    }

    @Test("A failed compaction is not due again for a minute")
    func failedCompactionWaits() throws {
        var state = state(bytesSinceSnapshot: 500)
        _ = state.reserveSegmentSwitch()
        _ = state.switchSegment(to: .init(descriptor: 11, sequence: 6, bytes: 0)) { [BrokerDeviceAccount]() }
        let work = state.takeWork()
        let compaction = try #require(work.compaction)
        state.finishCompaction(compaction, snapshotBytes: nil, now: now)
        #expect(state.bytesSinceSnapshot == 500)
        #expect(!state.needsCompaction(now: now + .seconds(59)))
        #expect(state.needsCompaction(now: now + .seconds(60)))
    }

    @Test("After close the last round syncs and closes the active segment, and no segment switch is accepted")
    func close() throws {
        var state = state()
        let reservation = state.reserveSegmentSwitch()
        let sequence = try #require(reservation)
        state.closed = true
        let switched = state.switchSegment(to: .init(descriptor: 11, sequence: sequence, bytes: 0)) {
            [BrokerDeviceAccount]()
        }
        let reserved = state.reserveSegmentSwitch()
        #expect(!switched && reserved == nil)
        let work = state.takeWork()
        #expect(work.stop && work.syncActive?.descriptor == 10 && work.compaction == nil)
    }
}
