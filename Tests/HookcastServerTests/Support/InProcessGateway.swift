import Foundation
import HookcastCore
import HookcastTestSupport
import Hummingbird
import HummingbirdTesting
import Logging

@testable import HookcastServer

/// Runs the gateway in this process for one test, with no broker and no database: an in-memory store, a
/// `RecordingPublisher` for a broker, and requests handed to the router directly (`.router`) unless a test needs
/// a real socket (`.live`, for raw request lines). Only the key vault and admin token sit in a temporary directory.
/// Acknowledgements, the outbox and redelivery need a broker: those tests run on `GatewayHarness`.
enum InProcessGateway {
    /// What a test body gets: the client, the store and what was published.
    struct Parts: Sendable {
        let client: GatewayClient
        let store: InMemoryStore
        let broker: RecordingPublisher
    }

    /// Runs `body` with the store and the recording publisher too, to look at what was stored and published.
    static func runAndInspect(
        _ mode: TestingSetup = .router,
        broker: RecordingPublisher = RecordingPublisher(),
        configure: (inout ServerConfiguration) -> Void = { _ in },
        accounts: (any HookcastStore) -> any DeviceAccounts = { _ in UnmanagedDeviceAccounts() },
        _ body: @escaping @Sendable (Parts) async throws -> Void
    ) async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The port names no broker: nothing here connects to one.
        var settings = GatewayHarness.configuration(dataDirectory: directory, mqttPort: 1)
        configure(&settings)
        var logger = Logger(label: "hookcast")
        logger.logLevel = .warning
        let store = InMemoryStore()
        let app = try buildApplication(
            configuration: settings, logger: logger, store: store, broker: broker, accounts: accounts(store))
        try await app.test(mode) { client in
            // Over a socket, a connection per request as in `GatewayHarness`: the server closing an idle keep-alive
            // connection cannot break a test.
            let gateway = client.port.map { GatewayClient(port: $0) } ?? GatewayClient(client: client)
            try await body(Parts(client: gateway, store: store, broker: broker))
        }
    }

    /// For the tests that only need the client.
    static func run(
        _ mode: TestingSetup = .router,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (GatewayClient) async throws -> Void
    ) async throws {
        try await runAndInspect(mode, configure: configure) { try await body($0.client) }
    }
}
