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
        let warnings = CapturedWarnings()
        let accounts = pluginAccounts(
            plugin, store: store, logger: Logger(label: "test") { _ in CapturingLogHandler(warnings: warnings) })
        let serving = Task { await accounts.run() }
        try await store.devices.insert(Device(id: try DeviceID("old-1"), name: "old", createdAt: Date()))

        _ = try await accounts.reconcileNow()
        _ = try await accounts.reconcileNow()
        #expect(warnings.messages.count == 1)
        #expect(warnings.messages.first?.contains("hookcast devices password") == true)
        #expect(plugin.accounts.isEmpty)

        try await store.devices.insert(Device(id: try DeviceID("old-2"), name: "old", createdAt: Date()))
        _ = try await accounts.reconcileNow()
        #expect(warnings.messages.count == 2)
        #expect(warnings.messages.last?.hasPrefix("2 device(s)") == true)

        plugin.close()
        await serving.value
    }
}

final class CapturedWarnings: Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }
    func append(_ message: String) { lines.withLock { $0.append(message) } }
}

/// Keeps the text of every warning and above.
struct CapturingLogHandler: LogHandler {
    let warnings: CapturedWarnings
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        if level >= .warning { warnings.append(message.description) }
    }
}
