import Foundation
import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

@Suite("Account journal: records cut short by a crash")
struct JournalTornRecordTests {
    let first: [AccountChange] = [.put(JournalFixtures.account(1)), .put(JournalFixtures.account(2))]
    let last: [AccountChange] = [.delete(JournalFixtures.id(1)), .put(JournalFixtures.account(3, groups: ["a"]))]
    let nextRun: [AccountChange] = [.put(JournalFixtures.account(4))]

    @Test("A last record cut at any byte is skipped with a log line, and the next run's records still load")
    func tornAtEveryByte() throws {
        let lastRecord = JournalFixtures.record(last)
        for cut in 0..<lastRecord.count {
            let directory = try TemporaryJournalDirectory()
            defer { directory.remove() }
            try directory.write(
                JournalFixtures.segmentName(1), JournalFixtures.record(first) + Array(lastRecord.prefix(cut)))
            let log = LogLines()
            let journal = try AccountJournal(directory: directory.journal, log: log.sink)
            #expect(try journal.load() == JournalFixtures.replay(first), "cut at \(cut)")
            #expect(log.all.contains { $0.contains("ignored the last \(cut) bytes") } == (cut > 0), "cut at \(cut)")
            try journal.append(nextRun)
            journal.close()

            let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
            #expect(try reopened.load() == JournalFixtures.replay(first + nextRun), "cut at \(cut)")
            reopened.close()
        }
    }

    @Test("A changed byte anywhere in the last record makes it skipped, never misread")
    func damagedAtEveryByte() throws {
        let firstRecord = JournalFixtures.record(first)
        let lastRecord = JournalFixtures.record(last)
        for offset in 0..<lastRecord.count {
            var damaged = lastRecord
            damaged[offset] ^= 0x01
            let directory = try TemporaryJournalDirectory()
            defer { directory.remove() }
            try directory.write(JournalFixtures.segmentName(1), firstRecord + damaged)
            let log = LogLines()
            let journal = try AccountJournal(directory: directory.journal, log: log.sink)
            defer { journal.close() }
            #expect(try journal.load() == JournalFixtures.replay(first), "byte \(offset)")
            #expect(log.all.contains { $0.contains("from byte \(firstRecord.count)") }, "byte \(offset)")
        }
    }

    @Test("Zeros after the last record, as a power loss can leave them, are skipped")
    func zeroTail() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        try directory.write(
            JournalFixtures.segmentName(1),
            JournalFixtures.record(first) + JournalFixtures.record(last) + [UInt8](repeating: 0, count: 4096))
        let log = LogLines()
        let journal = try AccountJournal(directory: directory.journal, log: log.sink)
        defer { journal.close() }
        #expect(try journal.load() == JournalFixtures.replay(first + last))
        #expect(log.all.contains { $0.contains("ignored the last 4096 bytes") })
    }

    @Test("The record format is what docs/broker-plugin.md shows: length, CRC-32 as zlib computes it, JSON")
    func recordFormat() {
        let record = JournalFixtures.record([.delete(JournalFixtures.id(7))])
        // The example of docs/broker-plugin.md; the checksum is Python's zlib.crc32 of the payload.
        #expect(String(decoding: record, as: UTF8.self) == "35 3289deea {\"changes\":[{\"delete\":\"device-7\"}]}\n")
        // The standard check value of CRC-32/ISO-HDLC, the one zlib computes.
        #expect(CRC32.checksum(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }
}
