import Foundation
import HookcastProtocol
import Synchronization
import Testing

@testable import HookcastBrokerAccess

/// A directory of the test's own below the temporary directory, removed by `remove()` (call it in a `defer`).
struct TemporaryJournalDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-journal-test-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    /// The journal's own directory inside, which `AccountJournal` creates.
    var journal: String { path + "/accounts" }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file of the journal's directory as a crash may have left it.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true)
        try #require(FileManager.default.createFile(atPath: journal + "/" + name, contents: Data(bytes)))
    }

    func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: journal).sorted()
    }
}

/// Every line the journal logs, for tests that check what it reported.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    var sink: @Sendable (String) -> Void {
        { [self] line in lines.withLock { $0.append(line) } }
    }
}

enum JournalFixtures {
    static func account(_ number: Int, groups: [String] = ["lobby"], credentialSeed: Int = 0) -> BrokerDeviceAccount {
        let hex = String(UInt64(truncatingIfNeeded: number &* 2_654_435_761 &+ credentialSeed), radix: 16)
        let credential = String(repeating: "0", count: 64 - hex.count) + hex
        return BrokerDeviceAccount(
            id: id(number), credential: credential, groups: groups.map { try! GroupID($0) })
    }

    static func id(_ number: Int) -> DeviceID {
        try! DeviceID("device-\(number)")
    }

    /// What replaying `changes` over `accounts` gives, sorted by id as `load` returns it.
    static func replay(_ changes: [AccountChange], over accounts: [BrokerDeviceAccount] = []) -> [BrokerDeviceAccount] {
        var table = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
        for change in changes {
            switch change {
            case .put(let account): table[account.id] = account
            case .delete(let id): table[id] = nil
            case .putClient, .deleteClient: break
            }
        }
        return table.values.sorted { $0.id < $1.id }
    }

    /// A journal record of `changes`, byte for byte as `append` writes it.
    static func record(_ changes: [AccountChange]) -> [UInt8] {
        JournalRecord.frame(JournalPayload.changes(changes).encoded())
    }

    /// A whole snapshot file of `accounts`, as compaction writes it.
    static func snapshot(_ accounts: [BrokerDeviceAccount]) -> [UInt8] {
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: accounts.count, by: 2) {
            bytes += JournalRecord.frame(
                JournalPayload.accounts(Array(accounts[start..<min(start + 2, accounts.count)])).encoded())
        }
        return bytes + JournalRecord.frame(JournalPayload.end(count: accounts.count).encoded())
    }

    static func segmentName(_ sequence: UInt64) -> String { String(format: "journal-%016llx", sequence) }
    static func snapshotName(_ sequence: UInt64) -> String { String(format: "snapshot-%016llx", sequence) }
}
