import Testing

@testable import HookcastBrokerAccess

@Suite("Group indices")
struct GroupIndicesTests {
    @Test("any list reads back in order, packed or not, and membership agrees with it")
    func roundTrip() {
        let lists: [[UInt32]] = [
            [], [0], [0, 1, 2], [7, 7], [2_097_149], [2_097_150], [0, 1, 2, 3], [5, 4_000_000_000], [UInt32.max],
        ]
        for list in lists {
            let indices = GroupIndices(list)
            #expect(indices.indices == list)
            for probe: UInt32 in [0, 1, 2, 3, 7, 2_097_149, 2_097_150, 4_000_000_000, UInt32.max] {
                #expect(indices.contains { $0 == probe } == list.contains(probe), "\(list) contains \(probe)")
            }
            #expect(GroupIndices(list) == indices)
        }
        #expect(GroupIndices([1, 2]) != GroupIndices([2, 1]), "order is kept, as the gateway gave it")
        #expect(GroupIndices([1]) != GroupIndices([1, 1]))
    }

    @Test("an account's entry stays 48 bytes, groups and all, so the table's size follows its count")
    func entrySize() {
        #expect(MemoryLayout<DeviceAccountTable.Entry>.stride == 48)
    }
}
