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
            #expect(try await store.devices.brokerCredentials() == [try deviceID("d1"): first, try deviceID("d2"): first])

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
}
