import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// The bulk device writes and read an import makes: all or nothing, the error naming the device, and the same
/// devices as the one-at-a-time methods would store.
@Suite struct DeviceBulkWriteTests {
    private static func devices(_ range: ClosedRange<Int>) throws -> [Device] {
        try range.map {
            Device(id: try deviceID("d\($0)"), name: "Device \($0)", tags: ["t\($0 % 3)"], createdAt: referenceDate)
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func insertsUpdatesAndFindsMany(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let devices = try Self.devices(1...500)
            try await store.devices.insert(devices)
            #expect(try await store.devices.all() == devices.sorted { $0.id < $1.id })

            var renamed = Array(devices[0..<100])
            for index in renamed.indices {
                renamed[index].name += " renamed"
                renamed[index].tags = []
            }
            try await store.devices.update(renamed)
            for device in renamed { #expect(try await store.devices.find(id: device.id) == device) }

            let unknown = try deviceID("never-registered")
            let found = try await store.devices.find(ids: [devices[0].id, devices[499].id, unknown])
            #expect(found == [devices[0].id: renamed[0], devices[499].id: devices[499]])
            #expect(try await store.devices.find(ids: []) == [:])
            try await store.devices.insert([])
            try await store.devices.update([])
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func insertsNoneWhenOneIsTaken(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let taken = Device(id: try deviceID("d250"), name: "already here", createdAt: referenceDate)
            try await store.devices.insert(taken)
            await #expect(throws: StoreError.conflict("device 'd250' already exists")) {
                try await store.devices.insert(try Self.devices(1...500))
            }
            #expect(try await store.devices.allIDs() == [taken.id])
            #expect(try await store.devices.find(id: taken.id) == taken)
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func deletesManyWithTheirMembershipsAndCredentials(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            // More than one statement's worth, and a group holding some of them and one that stays.
            let devices = try Self.devices(1...1_203)
            let credentials = Dictionary(
                uniqueKeysWithValues: devices.map { ($0.id, String(repeating: "a", count: 64)) })
            try await store.devices.insert(devices, brokerCredentials: credentials)
            let group = try GroupID("hall")
            try await store.groups.insert(
                DeviceGroup(
                    id: group, name: "Hall", members: [devices[0].id, devices[1_202].id, devices[600].id],
                    createdAt: referenceDate))
            // Cached stores answer the next reads from memory: fill the cache first, so a stale one would show.
            #expect(try await store.devices.allIDs().count == 1_203)
            _ = try await store.devices.find(id: devices[0].id)

            let gone = devices.map(\.id).filter { $0 != devices[600].id }
            #expect(try await store.devices.delete(ids: gone + [try deviceID("never-registered")]) == 1_202)
            #expect(try await store.devices.allIDs() == [devices[600].id])
            #expect(try await store.devices.find(id: devices[0].id) == nil)
            #expect(try await store.groups.find(id: group)?.members == [devices[600].id])
            #expect(try await store.devices.brokerCredentials() == [devices[600].id: credentials[devices[600].id]])
            #expect(try await store.devices.delete(ids: []) == 0)
            #expect(try await store.devices.delete(ids: gone) == 0)
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func updatesNoneWhenOneIsMissing(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let devices = try Self.devices(1...10)
            try await store.devices.insert(devices)
            var changed = devices.map { device -> Device in
                var device = device
                device.name = "changed"
                return device
            }
            changed.insert(Device(id: try deviceID("ghost"), name: "ghost", createdAt: referenceDate), at: 5)
            await #expect(throws: StoreError.notFound("device 'ghost' does not exist")) {
                try await store.devices.update(changed)
            }
            #expect(try await store.devices.all() == devices.sorted { $0.id < $1.id })
        }
    }
}
