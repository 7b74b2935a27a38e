import Foundation
import HookcastCore
import HookcastPostgresTestSupport
import HookcastServer
import HookcastTestSupport
import Synchronization
import Testing

/// `hookcast serve --store postgres://…` as a caller sees it: what the gateway stored is there after a restart.
/// (SharedDatabaseTests: several gateways on one database.)
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
