import Crypto
import Foundation
import HookcastCore
import HookcastProtocol
import Synchronization
import Testing

@testable import HookcastServer

/// `/api/v1/integrations` and `/api/v1/observers` in process, over `FakeBrokerPlugin`: what the plugin and the
/// store hold after each call, and the errors that change nothing.
@Suite struct MQTTAccountsAPITests {
    /// Runs `body` with a gateway whose broker accounts go to a fresh fake plugin.
    static func withGateway(
        _ body: @escaping @Sendable (InProcessGateway.Parts, FakeBrokerPlugin) async throws -> Void
    ) async throws {
        let plugin = FakeBrokerPlugin()
        let serving = Mutex<Task<Void, Never>?>(nil)
        try await InProcessGateway.runAndInspect(accounts: { store in
            let accounts = pluginAccounts(plugin, store: store)
            serving.withLock { $0 = Task { await accounts.run() } }
            return accounts
        }) { parts in
            try await body(parts, plugin)
        }
        plugin.close()
        await serving.withLock { $0 }?.value
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func anIntegrationIsMadeForAKeyWithItsPasswordShownOnceAndGoesWithTheKey() async throws {
        try await Self.withGateway { parts, plugin in
            let key = try await parts.client.createKey()
            let created = try await parts.client.admin(
                .post, "integrations", #"{"name":"erp","key_id":"\#(key.id)","description":"ERP"}"#)
            #expect(created.status == .created, "\(created.text)")
            let password = try #require(created.string("password"))
            #expect(created.string("username") == "integration.erp")
            #expect(plugin.clients["integration.erp"]?.credential == Self.sha256Hex(password))
            #expect(
                try await parts.store.mqttAccounts.find(username: "integration.erp")?.credential
                    == Self.sha256Hex(password))

            let read = try await parts.client.admin(.get, "integrations/erp")
            #expect(read.status == .ok)
            #expect(read.string("key_id") == key.id)
            #expect(read.string("password") == nil)
            #expect(!read.text.contains(password))
            let list = try await parts.client.admin(.get, "integrations")
            #expect(list.text.contains("integration.erp") && !list.text.contains(password))

            let rotated = try await parts.client.admin(.post, "integrations/erp/password")
            let newPassword = try #require(rotated.string("password"))
            #expect(newPassword != password)
            #expect(plugin.clients["integration.erp"]?.credential == Self.sha256Hex(newPassword))

            #expect(try await parts.client.admin(.delete, "keys/\(key.id)").status == .noContent)
            #expect(plugin.clients["integration.erp"] == nil)
            #expect(try await parts.client.admin(.get, "integrations/erp").status == .notFound)
            let audit = try await parts.store.audit.page(before: nil, kind: nil, limit: 50)
            #expect(audit.contains { $0.resource == "mqtt_account" && $0.operation == "create" })
            #expect(!audit.contains { "\($0)".contains(password) || "\($0)".contains(newPassword) })
        }
    }

    @Test func badRequestsAreRefusedNamingTheFieldAndStoreNothing() async throws {
        try await Self.withGateway { parts, plugin in
            try await parts.store.groups.insert(
                DeviceGroup(id: try GroupID("lobby"), name: "Lobby", members: [], createdAt: Date()))
            let key = try await parts.client.createKey()
            let cases: [(String, String, Int, String)] = [
                ("integrations", #"{"name":"a.b","key_id":"\#(key.id)"}"#, 422, "name"),
                ("integrations", #"{"name":"erp","key_id":"nope"}"#, 422, "key_id"),
                ("integrations", #"{"name":"erp","key_id":"\#(UUID().uuidString)"}"#, 422, "key_id"),
                ("integrations", #"{"name":"erp"}"#, 422, "key_id"),
                ("observers", #"{"name":"ops","groups":[]}"#, 422, "groups"),
                ("observers", #"{"name":"ops","groups":["nowhere"]}"#, 422, "groups"),
                ("observers", #"{"name":"ops","groups":["lobby","lobby"]}"#, 422, "groups"),
                (
                    "observers", #"{"name":"ops","description":"\#(String(repeating: "x", count: 501))"}"#, 422,
                    "description"
                ),
                ("observers", #"{"name":"ops""#, 400, ""),
            ]
            for (path, body, status, field) in cases {
                let answer = try await parts.client.admin(.post, path, body)
                #expect(answer.status.code == status, "\(body): \(answer.text)")
                if !field.isEmpty { #expect(answer.errorCode == "invalid_\(field)", "\(body): \(answer.text)") }
            }
            #expect(try await parts.store.mqttAccounts.all().isEmpty)
            #expect(plugin.clients.isEmpty)

            #expect(try await parts.client.admin(.post, "observers", #"{"name":"ops"}"#).status == .created)
            let again = try await parts.client.admin(.post, "observers", #"{"name":"ops"}"#)
            #expect(again.status == .conflict, "\(again.text)")

            plugin.state.withLock { _ = $0.takenNames.insert("observer.admin") }
            let reserved = try await parts.client.admin(.post, "observers", #"{"name":"admin"}"#)
            #expect(reserved.status == .conflict, "\(reserved.text)")
            #expect(reserved.errorCode == "reserved_name")
            #expect(try await parts.store.mqttAccounts.find(username: "observer.admin") == nil)
        }
    }

    @Test func anObserversScopeChangesAndADeletedGroupLeavesItSeeingNothing() async throws {
        try await Self.withGateway { parts, plugin in
            for id in ["lobby", "hall"] {
                try await parts.store.groups.insert(
                    DeviceGroup(id: try GroupID(id), name: id, members: [], createdAt: Date()))
            }
            let created = try await parts.client.admin(.post, "observers", #"{"name":"ops"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created["fleet"] == .bool(true))
            let patched = try await parts.client.admin(
                .patch, "observers/ops", #"{"groups":["lobby"],"include_commands":true}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched["fleet"] == .bool(false))
            #expect(
                plugin.clients["observer.ops"]?.role
                    == .observer(groups: [try GroupID("lobby")], includeCommands: true))

            #expect(try await parts.client.admin(.delete, "groups/lobby").status == .noContent)
            let after = try await parts.client.admin(.get, "observers/ops")
            #expect(after["fleet"] == .bool(false), "\(after.text)")
            #expect(after["groups"] == .array([]), "\(after.text)")
            #expect(
                try await parts.store.mqttAccounts.find(username: "observer.ops")?.role
                    == .observer(groups: [], includeCommands: true))

            #expect(try await parts.client.admin(.patch, "observers/ops", #"{"groups":null}"#)["fleet"] == .bool(true))
            #expect(try await parts.client.admin(.delete, "observers/ops").status == .noContent)
            #expect(plugin.clients.isEmpty)
            #expect(try await parts.client.admin(.delete, "observers/ops").status == .notFound)
        }
    }
}
