import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Synchronization
import Testing

@testable import HookcastServer

/// Devices made under mosquitto's dynamic-security plugin have no stored credential: reconciliation leaves them
/// without an account and says so once, naming the command that gives one a new password.
@Suite struct DevicesWithoutCredentialTests {
    @Test func areReportedOnceAndAgainOnlyWhenTheirNumberChanges() async throws {
        let store = InMemoryStore()
        let plugin = FakeBrokerPlugin()
        let log = RecordedLog()
        let accounts = pluginAccounts(
            plugin, store: store, logger: log.logger(level: .warning))
        let serving = Task { await accounts.run() }
        try await store.devices.insert(Device(id: try DeviceID("old-1"), name: "old", createdAt: Date()))

        _ = try await accounts.reconcileNow()
        _ = try await accounts.reconcileNow()
        #expect(log.all.map(\.message).count == 1)
        #expect(log.all.map(\.message).first?.contains("hookcast devices password") == true)
        #expect(plugin.accounts.isEmpty)

        try await store.devices.insert(Device(id: try DeviceID("old-2"), name: "old", createdAt: Date()))
        _ = try await accounts.reconcileNow()
        #expect(log.all.map(\.message).count == 2)
        #expect(log.all.map(\.message).last?.hasPrefix("2 device(s)") == true)

        plugin.close()
        await serving.value
    }
}
