import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// `groups(containingEach:)`, the one read that imports and group changes of many devices make instead of one a
/// device: the same answers as the single read, in every store and through the cache.
@Suite struct GroupMembershipReadTests {
    @Test(arguments: StoreWithCacheKind.allCases)
    func answersEachDeviceAsTheSingleReadDoes(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let devices = try (1...300).map { try deviceID("d\($0)") }
            for id in devices {
                try await store.devices.insert(Device(id: id, name: id.rawValue, createdAt: referenceDate))
            }
            // gb before ga in insertion order: the answer is sorted all the same.
            for (raw, members) in [("gb", Array(devices[0..<200])), ("ga", Array(devices[100..<300])), ("gc", [])] {
                try await store.groups.insert(
                    DeviceGroup(id: try groupID(raw), name: raw, members: members, createdAt: referenceDate))
            }
            let unknown = try deviceID("never-registered")
            // Read one device singly first, so the cached store answers part from its cache and part from one load.
            #expect(try await store.groups.groups(containing: devices[150]).map(\.rawValue) == ["ga", "gb"])

            let asked = devices + [unknown, devices[0]]
            let answered = try await store.groups.groups(containingEach: asked)

            #expect(answered.count == devices.count + 1)
            #expect(answered[devices[0]]?.map(\.rawValue) == ["gb"])
            #expect(answered[devices[150]]?.map(\.rawValue) == ["ga", "gb"])
            #expect(answered[devices[299]]?.map(\.rawValue) == ["ga"])
            #expect(answered[unknown] == [])
            for device in devices {
                #expect(answered[device] == (try await store.groups.groups(containing: device)))
            }
            #expect(try await store.groups.groups(containingEach: []) == [:])
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func seesAChangeMadeAfterAnEarlierRead(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let d1 = try deviceID("d1")
            let d2 = try deviceID("d2")
            for id in [d1, d2] {
                try await store.devices.insert(Device(id: id, name: id.rawValue, createdAt: referenceDate))
            }
            var group = DeviceGroup(id: try groupID("g1"), name: "g1", members: [d1], createdAt: referenceDate)
            try await store.groups.insert(group)
            #expect(try await store.groups.groups(containingEach: [d1, d2]) == [d1: [group.id], d2: []])

            group.members = [d2]
            try await store.groups.update(group)
            #expect(try await store.groups.groups(containingEach: [d1, d2]) == [d1: [], d2: [group.id]])
        }
    }
}

@Suite struct ReadCacheManyKeysTests {
    @Test func loadsOnlyWhatIsNotCachedAndKeepsIt() async throws {
        let cache = ReadCache<Int, String>(capacity: 100)
        _ = try await cache.value(for: 1) { "one" }
        let first = try await cache.values(for: [1, 2, 3]) { missing in
            #expect(missing == [2, 3])
            return Dictionary(uniqueKeysWithValues: missing.map { ($0, "loaded \($0)") })
        }
        #expect(first == [1: "one", 2: "loaded 2", 3: "loaded 3"])
        let second = try await cache.values(for: [2, 3]) { missing in
            Issue.record("loaded \(missing) again")
            return [:]
        }
        #expect(second == [2: "loaded 2", 3: "loaded 3"])
    }

    @Test func keepsNoAnswerReadBeforeAWrite() async throws {
        let cache = ReadCache<Int, String>(capacity: 100)
        let answered = try await cache.values(for: [1]) { _ in
            // A write that returns while this read is under way: what the read found may be older than it.
            cache.invalidate()
            return [1: "before the write"]
        }
        #expect(answered == [1: "before the write"])
        let again = try await cache.values(for: [1]) { _ in [1: "after the write"] }
        #expect(again == [1: "after the write"])
    }
}
