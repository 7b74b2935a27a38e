import Foundation
import HookcastCore
import HookcastPostgresTestSupport
import HookcastServer
import HookcastTestSupport
import Synchronization
import Testing

/// `hookcast serve --store postgres://…` as a caller sees it: what the gateway stored is there after a restart,
/// and a second gateway cannot use the same database while the first runs.
@Suite("Gateway on PostgreSQL")
struct PostgresGatewayTests {
    @Test("Keys, actions and the command log outlive a restart of the gateway on the same database")
    func restartKeepsEverything() async throws {
        try await SharedPostgres.withDatabase { database in
            let directory = GatewayHarness.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = StoreLocation.postgres(database)
            let key = try await withGateway(directory, store) { gateway in
                let key = try await gateway.createKey().secret
                let action = try await gateway.admin(
                    .post, "actions", #"{"event_id":"lobby","function":"refresh_content","target":{"kind":"all"}}"#)
                #expect(action.status == .created, "\(action.text)")
                let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"lobby"}"#)
                #expect(answer["message"] == .string("success"), "\(answer.text)")
                return key
            }
            try await withGateway(directory, store) { gateway in
                let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"lobby"}"#)
                #expect(answer["message"] == .string("success"), "\(answer.text)")
                let commands = try await gateway.admin(.get, "commands")
                #expect(commands["total"] == .number(2), "\(commands.text)")
            }
        }
    }

    @Test("A second gateway on the same database refuses to start, naming it; the first goes on serving")
    func secondGatewayRefused() async throws {
        try await SharedPostgres.withDatabase { database in
            let directory = GatewayHarness.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await withGateway(directory, .postgres(database)) { (gateway: GatewayClient) async throws -> Void in
                let other = GatewayHarness.temporaryDirectory()
                defer { try? FileManager.default.removeItem(at: other) }
                let error = await #expect(throws: StoreError.self) {
                    _ = try await buildApplication(
                        configuration: {
                            var settings = GatewayHarness.configuration(
                                dataDirectory: other, mqttPort: try SharedBroker.port)
                            settings.store = .postgres(database)
                            return settings
                        }())
                }
                #expect(error?.description.contains("another hookcast serve is using the database") == true)
                #expect(try await gateway.request(.get, "/readyz").status == .ok)
            }
        }
    }

    private func withGateway<T: Sendable>(
        _ directory: URL, _ store: StoreLocation, _ body: @escaping @Sendable (GatewayClient) async throws -> T
    ) async throws -> T {
        let result = Mutex<T?>(nil)
        try await GatewayHarness.run(dataDirectory: directory, configure: { $0.store = store }) { gateway in
            let value = try await body(gateway)
            result.withLock { $0 = value }
        }
        return try #require(result.withLock { $0 })
    }
}
