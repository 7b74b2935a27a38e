import Foundation
import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

/// A compaction that covers the segments below 3 (`snapshot-2`, `journal-2` and the new `journal-3` were there
/// before it), cut short after each of its steps. The files are made as each step leaves them.
@Suite("Account journal: a crash at each step of a compaction")
struct JournalCompactionCrashTests {
    enum CrashPoint: String, CaseIterable, CustomTestStringConvertible {
        case previousCompactionLeftItsSegment
        case afterSegmentSwitch
        case whileWritingTemporarySnapshot
        case beforeRename
        case afterRename
        case afterDeletingSegments
        case finished

        var testDescription: String { rawValue }
    }

    // journal-1, covered by snapshot-2.
    let beforeSnapshot2: [AccountChange] = [
        .put(JournalFixtures.account(1)), .put(JournalFixtures.account(2)), .put(JournalFixtures.account(3)),
        .delete(JournalFixtures.id(2)),
    ]
    let inSegment2: [AccountChange] = [
        .put(JournalFixtures.account(4)), .put(JournalFixtures.account(1, credentialSeed: 9)),
        .delete(JournalFixtures.id(3)),
    ]
    let inSegment3: [AccountChange] = [
        .put(JournalFixtures.account(5)), .delete(JournalFixtures.id(4)), .put(JournalFixtures.account(2, groups: [])),
    ]

    @Test(
        "Loading after the crash gives every account, and removes what the compaction would have",
        arguments: CrashPoint.allCases)
    func crashAt(_ point: CrashPoint) throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let snapshot2 = JournalFixtures.snapshot(JournalFixtures.replay(beforeSnapshot2))
        // Taken after the switch, as the journal's thread does: it already has the first change of segment 3.
        let snapshot3 = JournalFixtures.snapshot(
            JournalFixtures.replay(beforeSnapshot2 + inSegment2 + inSegment3.prefix(1)))
        var files: [String: [UInt8]] = [
            JournalFixtures.snapshotName(2): snapshot2,
            JournalFixtures.segmentName(2): JournalFixtures.record(inSegment2),
            JournalFixtures.segmentName(3): JournalFixtures.record(Array(inSegment3.prefix(2)))
                + JournalFixtures.record(Array(inSegment3.dropFirst(2))),
        ]
        let temporary = JournalFixtures.snapshotName(3) + ".tmp"
        switch point {
        case .previousCompactionLeftItsSegment:
            files[JournalFixtures.segmentName(1)] = JournalFixtures.record(beforeSnapshot2)
        case .afterSegmentSwitch:
            break
        case .whileWritingTemporarySnapshot:
            files[temporary] = Array(snapshot3.prefix(snapshot3.count / 2))
        case .beforeRename:
            files[temporary] = snapshot3
        case .afterRename:
            files[JournalFixtures.snapshotName(3)] = snapshot3
        case .afterDeletingSegments:
            files[JournalFixtures.snapshotName(3)] = snapshot3
            files[JournalFixtures.segmentName(2)] = nil
        case .finished:
            files[JournalFixtures.snapshotName(3)] = snapshot3
            files[JournalFixtures.segmentName(2)] = nil
            files[JournalFixtures.snapshotName(2)] = nil
        }
        for (name, bytes) in files { try directory.write(name, bytes) }

        let expected = JournalFixtures.replay(beforeSnapshot2 + inSegment2 + inSegment3)
        let log = LogLines()
        let journal = try AccountJournal(directory: directory.journal, log: log.sink)
        #expect(try journal.load() == expected)
        journal.close()
        #expect(!log.all.contains { $0.contains("ignored") })

        // Only the newest snapshot, the segments it does not cover and the new run's segment are left.
        let newest: UInt64 = files[JournalFixtures.snapshotName(3)] == nil ? 2 : 3
        let left = try directory.names()
        #expect(left.first { $0.hasSuffix(".tmp") } == nil)
        #expect(left.filter { $0.hasPrefix("snapshot-") } == [JournalFixtures.snapshotName(newest)])
        #expect(left.filter { $0.hasPrefix("journal-") } == (newest...4).map(JournalFixtures.segmentName))

        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        #expect(try reopened.load() == expected)
    }

    @Test("A damaged newest snapshot is refused, never loaded in part")
    func damagedSnapshot() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let snapshot = JournalFixtures.snapshot(JournalFixtures.replay(beforeSnapshot2))
        try directory.write(JournalFixtures.snapshotName(2), Array(snapshot.dropLast(3)))
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { journal.close() }
        #expect {
            try journal.load()
        } throws: { error in
            guard case .damagedSnapshot? = error as? AccountJournalError else { return false }
            return true
        }
    }
}
