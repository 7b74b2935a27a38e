import Dispatch
import Foundation
import HookcastProtocol
import Synchronization
import Testing

@testable import HookcastBrokerAccess

@Suite("Account journal")
struct AccountJournalTests {
    @Test("What was appended loads again after the journal is reopened: last put wins, a delete removes")
    func roundTrip() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let changes: [AccountChange] = [
            .put(JournalFixtures.account(1)), .put(JournalFixtures.account(2, groups: [])),
            .put(JournalFixtures.account(3, groups: ["a", "b"])),
        ]
        let later: [AccountChange] = [
            .delete(JournalFixtures.id(2)), .put(JournalFixtures.account(1, groups: ["c"], credentialSeed: 7)),
            .delete(JournalFixtures.id(99)),
        ]
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        #expect(try journal.load() == [])
        try journal.append(changes)
        try journal.append([])
        try journal.append(later)
        journal.close()

        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        #expect(try reopened.load() == JournalFixtures.replay(changes + later))
        #expect(try reopened.load().map(\.id.rawValue) == ["device-1", "device-3"])
    }

    @Test("A snapshot of the plugin's table, written in chunks across several records, loads as the table was")
    func tableSnapshot() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        var state = Fixtures.state()
        let count = JournalSnapshotWriter.accountsPerRecord * 2 + 7
        let accounts = (0..<count).map { Fixtures.device("screen-\($0)", groups: $0 % 3 == 0 ? ["lobby"] : []) }
        #expect(state.load(accounts) == 0)
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        try journal.append(accounts.map { .put($0) })
        journal.compact(snapshot: state.snapshot)
        journal.close()
        #expect(try directory.names().contains(JournalFixtures.snapshotName(2)))
        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        let loaded = try reopened.load()
        #expect(loaded.count == count)
        #expect(Set(loaded.map(\.id)) == Set(accounts.map(\.id)))
        #expect(
            loaded.sorted { $0.id.rawValue < $1.id.rawValue } == accounts.sorted { $0.id.rawValue < $1.id.rawValue })
    }

    @Test("Credentials with characters JSON must escape come back unchanged")
    func escaping() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let odd = BrokerDeviceAccount(id: JournalFixtures.id(1), credential: "q\"b\\s\n\u{1}é", groups: [])
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        try journal.append([.put(odd)])
        journal.close()
        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        #expect(try reopened.load() == [odd])
    }

    @Test("The directory is created 0700 and every file in it is 0600")
    func permissions() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        try journal.append([.put(JournalFixtures.account(1))])
        journal.compact { [JournalFixtures.account(1)] }
        journal.close()
        let manager = FileManager.default
        #expect(try manager.attributesOfItem(atPath: directory.journal)[.posixPermissions] as? Int == 0o700)
        let names = try directory.names()
        #expect(names.contains(JournalFixtures.snapshotName(2)))
        for name in names {
            let mode = try manager.attributesOfItem(atPath: directory.journal + "/" + name)[.posixPermissions]
            #expect(mode as? Int == 0o600, "\(name)")
        }
    }

    @Test("close is idempotent; afterwards append throws and compact and needsCompaction do nothing")
    func closeIsIdempotent() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let journal = try AccountJournal(directory: directory.journal, compactionFloor: 0, log: { _ in })
        try journal.append([.put(JournalFixtures.account(1))])
        journal.close()
        journal.close()
        #expect(throws: AccountJournalError.closed) { try journal.append([.put(JournalFixtures.account(2))]) }
        #expect(!journal.needsCompaction)
        journal.compact { [BrokerDeviceAccount]() }
        journal.close()
        #expect(try directory.names() == [JournalFixtures.segmentName(1)])

        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        #expect(try reopened.load() == [JournalFixtures.account(1)])
    }

    @Test(
        "A failed write throws, and nothing is appended after its torn part until that is cut off",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func failedWrite() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { journal.close() }
        // The segment a compaction switches to is /dev/full: every write fails with ENOSPC, and it cannot be
        // truncated.
        let segment = directory.journal + "/" + JournalFixtures.segmentName(2)
        try FileManager.default.createSymbolicLink(atPath: segment, withDestinationPath: "/dev/full")
        journal.compact { [BrokerDeviceAccount]() }
        #expect(throws: AccountJournalError.system(operation: "write", path: segment, code: ENOSPC)) {
            try journal.append([.put(JournalFixtures.account(1))])
        }
        #expect {
            try journal.append([.put(JournalFixtures.account(1))])
        } throws: { error in
            guard case .system(let operation, _, _)? = error as? AccountJournalError else { return false }
            return operation == "ftruncate"
        }
    }

    @Test("needsCompaction once the journal outgrows twice the snapshot and the floor, not while one runs")
    func needsCompaction() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let journal = try AccountJournal(directory: directory.journal, compactionFloor: 1000, log: { _ in })
        var appended = 0
        while !journal.needsCompaction {
            try journal.append([.put(JournalFixtures.account(appended % 3))])
            appended += 1
        }
        // Every record is as long; with no snapshot yet, the floor decided.
        let recordBytes = JournalFixtures.record([.put(JournalFixtures.account(0))]).count
        #expect(appended == 1000 / recordBytes + 1)
        journal.compact { JournalFixtures.replay((0..<3).map { .put(JournalFixtures.account($0)) }) }
        #expect(!journal.needsCompaction)
        journal.close()

        // The snapshot (3 accounts) is about as big as three records; the floor still decides.
        let reopened = try AccountJournal(directory: directory.journal, compactionFloor: 1000, log: { _ in })
        defer { reopened.close() }
        #expect(!reopened.needsCompaction)
        #expect(try reopened.load().count == 3)
    }

    @Test("A compaction while appends continue loses nothing, and removes the segments it covers")
    func compactionWhileAppending() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let model = Mutex<[DeviceID: BrokerDeviceAccount]>([:])
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        // As the plugin does: change the table, then journal the change.
        func apply(_ changes: [AccountChange]) throws {
            model.withLock { table in
                for change in changes {
                    switch change {
                    case .put(let account): table[account.id] = account
                    case .delete(let id): table[id] = nil
                    // These commands make no client account changes.
                    case .putClient, .deleteClient: break
                    }
                }
            }
            try journal.append(changes)
        }
        for number in 0..<300 { try apply([.put(JournalFixtures.account(number))]) }
        // The snapshot is taken only after more changes went to the new segment, some of them undoing earlier ones.
        let snapshotMayStart = DispatchSemaphore(value: 0)
        journal.compact {
            snapshotMayStart.wait()
            return model.withLock { Array($0.values) }
        }
        for number in 0..<100 { try apply([.delete(JournalFixtures.id(number * 3))]) }
        try apply([.put(JournalFixtures.account(1, groups: ["moved"]))])
        snapshotMayStart.signal()
        // And more while it is written.
        for number in 300..<400 {
            try apply([.put(JournalFixtures.account(number)), .delete(JournalFixtures.id(301))])
        }
        try apply([.put(JournalFixtures.account(0, credentialSeed: 5))])
        journal.close()

        #expect(try directory.names() == [JournalFixtures.segmentName(2), JournalFixtures.snapshotName(2)])
        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        let expected = model.withLock { $0.values.sorted { $0.id < $1.id } }
        #expect(expected.count == 300 - 100 + 100 - 1 + 1)
        #expect(try reopened.load() == expected)
    }
}
