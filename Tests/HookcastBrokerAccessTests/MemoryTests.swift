import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Table memory")
struct MemoryTests {
    /// Prints the memory the tables take for 100,000 accounts with typical ids and two groups each (the growth of
    /// the process's resident set; other tests running at the same time blur it, so it is printed, not asserted).
    /// Also checks the snapshot is a copy that later changes do not reach.
    @Test("100,000 accounts: bytes per account printed; a snapshot is unaffected by later changes")
    func hundredThousand() {
        let count = 100_000
        let groups = (0..<50).map { try! GroupID("group-\($0)") }
        let credential = Fixtures.credential("p")
        let accounts = (0..<count).map { index in
            BrokerDeviceAccount(
                id: try! DeviceID("screen-\(String(index, radix: 16))-lobby"), credential: credential,
                groups: [groups[index % 50], groups[(index / 50) % 50]])
        }
        let before = Self.residentBytes()
        var state = Fixtures.state()
        #expect(state.load(accounts) == 0)
        let after = Self.residentBytes()
        let perAccount = Double(Int(after) - Int(before)) / Double(count)
        print("broker-plugin-memory: \(count) accounts, \(Int(perAccount)) bytes per account (resident set growth)")
        #expect(state.devices.count == count)

        let snapshot = state.snapshot
        _ = state.send(.deleteDevices(accounts.prefix(100).map(\.id)))
        #expect(state.devices.count == count - 100)
        #expect(snapshot().count == count)
    }

    /// VmRSS of /proc/self/status, in bytes; 0 where there is none.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return kilobytes * 1024
    }
}
