import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

@Suite("Device account table")
struct DeviceAccountTableTests {
    static func entry(_ password: String, mark: UInt32 = 0) throws -> DeviceAccountTable.Entry {
        let credential = try #require(StoredCredential(hex: Fixtures.credential(password)))
        return DeviceAccountTable.Entry(credential: credential, scopes: GroupIndices([]), syncMark: mark)
    }

    @Test("a removed account's slot is reused by the next one added, and no other account changes")
    func slotsAreReused() throws {
        var table = DeviceAccountTable()
        let ids = try ["a", "b", "c"].map { try DeviceID($0) }
        for (index, id) in ids.enumerated() { table.set(id, try Self.entry(id.rawValue, mark: UInt32(index))) }
        #expect(table.remove(ids[1])?.syncMark == 1)
        #expect(table.remove(ids[1]) == nil)
        let newcomer = try DeviceID("d")
        table.set(newcomer, try Self.entry("d", mark: 9))
        #expect(table.count == 3)
        #expect(!table.contains(ids[1]))
        #expect(table.entry(ids[0])?.syncMark == 0)
        #expect(table.entry(ids[2])?.syncMark == 2)
        #expect(table.entry(newcomer)?.syncMark == 9)
        #expect(table.account(newcomer)?.credential == Fixtures.credential("d"))
        #expect(Set(table.ids { $0.syncMark >= 2 }) == [ids[2], newcomer])
    }

    @Test("updating in place reaches every account; emptied, the table starts afresh")
    func updateAndEmpty() throws {
        var table = DeviceAccountTable()
        let ids = try (0..<5).map { try DeviceID("screen-\($0)") }
        for id in ids { table.set(id, try Self.entry(id.rawValue)) }
        let changed = table.updateAll { entry in
            entry.syncMark += 1
            return true
        }
        #expect(Set(changed) == Set(ids))
        #expect(table.ids { $0.syncMark == 1 }.count == 5)
        for id in ids { table.remove(id) }
        #expect(table.count == 0)
        #expect(table.accounts().isEmpty)
        table.set(ids[0], try Self.entry("again"))
        #expect(table.account(ids[0])?.credential == Fixtures.credential("again"))
    }

    @Test("a snapshot hands over every account once, in chunks no larger than asked, and stops when told")
    func chunkedSnapshot() throws {
        var table = DeviceAccountTable()
        let ids = try (0..<25).map { try DeviceID("screen-\($0)") }
        for id in ids { table.set(id, try Self.entry(id.rawValue)) }
        var seen: [DeviceID] = []
        var sizes: [Int] = []
        table.forEachChunk(of: 10) { chunk in
            seen += chunk.map(\.id)
            sizes.append(chunk.count)
            return true
        }
        #expect(sizes == [10, 10, 5])
        #expect(seen.count == 25 && Set(seen) == Set(ids))
        var calls = 0
        table.forEachChunk(of: 10) { _ in
            calls += 1
            return false
        }
        #expect(calls == 1)
    }
}
