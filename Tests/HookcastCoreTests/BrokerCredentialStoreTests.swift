import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// Each device's broker credential (the SHA-256 hex of its password), in both stores.
@Suite struct BrokerCredentialStoreTests {
    @Test(arguments: StoreKind.allCases)
    func credentialsAreKeptReplacedAndDeletedWithTheDevice(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for raw in ["d1", "d2", "d3"] {
                try await store.devices.insert(Device(id: try deviceID(raw), name: raw, createdAt: referenceDate))
            }
            #expect(try await store.devices.brokerCredentials().isEmpty)

            let first = String(repeating: "a", count: 64)
            let second = String(repeating: "b", count: 64)
            try await store.devices.setBrokerCredentials([
                try deviceID("d1"): first, try deviceID("d2"): first, try deviceID("ghost"): first,
            ])
            #expect(
                try await store.devices.brokerCredentials() == [try deviceID("d1"): first, try deviceID("d2"): first])

            try await store.devices.setBrokerCredentials([try deviceID("d2"): second])
            #expect(try await store.devices.brokerCredentials()[try deviceID("d2")] == second)

            #expect(try await store.devices.delete(id: try deviceID("d1")))
            #expect(try await store.devices.brokerCredentials() == [try deviceID("d2"): second])
            // A device made again under the same id starts without the old credential.
            try await store.devices.insert(Device(id: try deviceID("d1"), name: "d1", createdAt: referenceDate))
            #expect(try await store.devices.brokerCredentials()[try deviceID("d1")] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func manyCredentialsAreSetAcrossStatementChunks(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var credentials: [DeviceID: String] = [:]
            for index in 0..<1_203 {
                let id = try deviceID("screen-\(index)")
                try await store.devices.insert(Device(id: id, name: id.rawValue, createdAt: referenceDate))
                credentials[id] = String(format: "%064x", index)
            }
            try await store.devices.setBrokerCredentials(credentials)
            #expect(try await store.devices.brokerCredentials() == credentials)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func devicesAreInsertedWithTheirCredentialsOrNotAtAll(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let devices = try (0..<1_203).map { index in
                Device(id: try deviceID("screen-\(index)"), name: "Screen \(index)", createdAt: referenceDate)
            }
            // Every device but the last has a credential; the one for a device not inserted is ignored.
            var credentials: [DeviceID: String] = [try deviceID("ghost"): String(repeating: "f", count: 64)]
            for (index, device) in devices.dropLast().enumerated() {
                credentials[device.id] = String(format: "%064x", index)
            }
            try await store.devices.insert(devices, brokerCredentials: credentials)
            var expected = credentials
            expected[try deviceID("ghost")] = nil
            #expect(try await store.devices.brokerCredentials() == expected)
            #expect(try await store.devices.find(ids: devices.map(\.id)).count == devices.count)

            // A taken id refuses the whole insert: neither the new device nor its credential is stored.
            let fresh = Device(id: try deviceID("fresh"), name: "Fresh", createdAt: referenceDate)
            await #expect(throws: StoreError.self) {
                try await store.devices.insert(
                    [fresh, devices[0]],
                    brokerCredentials: [
                        fresh.id: String(repeating: "c", count: 64), devices[0].id: String(repeating: "d", count: 64),
                    ])
            }
            #expect(try await store.devices.find(id: fresh.id) == nil)
            #expect(try await store.devices.brokerCredentials() == expected)
        }
    }
}
