import Foundation
import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

@Suite("Account journal: 100,000 accounts")
struct JournalLoadTimeTests {
    @Test("100,000 accounts load from the journal and from a snapshot (time and size printed, not asserted)")
    func hundredThousandAccounts() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let count = 100_000
        let accounts = (0..<count).map { JournalFixtures.account($0, groups: ["group-\($0 % 100)"]) }
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        // In batches of 500, as the control channel brings them.
        for start in stride(from: 0, to: count, by: 500) {
            try journal.append(accounts[start..<start + 500].map { .put($0) })
        }
        journal.close()
        let expected = accounts.sorted { $0.id < $1.id }

        let fromJournal = try measureLoad(directory, label: "journal")
        #expect(fromJournal == expected)

        let compacting = try AccountJournal(directory: directory.journal, log: { _ in })
        compacting.compact { expected }
        compacting.close()
        let fromSnapshot = try measureLoad(directory, label: "snapshot")
        #expect(fromSnapshot == expected)
    }

    private func measureLoad(_ directory: TemporaryJournalDirectory, label: String) throws -> [BrokerDeviceAccount] {
        let bytes = try directory.names().reduce(0) { total, name in
            let size = try FileManager.default.attributesOfItem(atPath: directory.journal + "/" + name)[.size]
            return total + ((size as? Int) ?? 0)
        }
        let started = ContinuousClock.now
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { journal.close() }
        let accounts = try journal.load()
        let elapsed = ContinuousClock.now - started
        print("account journal: \(accounts.count) accounts loaded from the \(label) (\(bytes) bytes) in \(elapsed)")
        return accounts
    }
}
