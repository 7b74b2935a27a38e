import Foundation
import HookcastCore
import HookcastServer
import HookcastTestSupport
import Testing

@Suite("One gateway per data directory")
struct DataDirectoryLockTests {
    @Test("A second gateway on the same data directory refuses to start, naming the holder; after a stop it may")
    func secondGatewayRefused() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try SharedBroker.port
        try await GatewayHarness.run(dataDirectory: directory) { _ in
            let error = await #expect(throws: DataDirectoryInUse.self) {
                _ = try await buildApplication(
                    configuration: GatewayHarness.configuration(dataDirectory: directory, mqttPort: port))
            }
            #expect(error?.holder == getpid())
            #expect(error?.description.contains(directory.path) == true)
        }
        // The first one stopped: its lock went with it.
        try await GatewayHarness.run(dataDirectory: directory) { gateway in
            let health = try await gateway.request(.get, "/healthz")
            #expect(health.status == .ok)
        }
    }
}
