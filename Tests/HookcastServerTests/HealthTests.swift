import Foundation
import HookcastServer
import HookcastTestSupport
import Hummingbird
import HummingbirdTesting
import Mosquitto
import Testing

@Suite("Health and readiness endpoints")
final class HealthTests {
    /// Each test's own (Swift Testing makes an instance per test), removed when it ends.
    let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-health-\(UUID())")

    deinit { try? FileManager.default.removeItem(at: dataDirectory) }

    func configuration(mqttPort: Int) -> ServerConfiguration {
        ServerConfiguration(
            port: 0,
            dataDirectory: dataDirectory,
            mqttPort: mqttPort,
            mqttClientID: "gateway-test-\(UUID().uuidString.prefix(8))")
    }

    @Test("healthz answers 200 while the broker is unreachable, readyz answers 503 and says why")
    func notReadyWithoutBroker() async throws {
        let app = try await buildApplication(configuration: configuration(mqttPort: try FreePort.find()))
        try await app.test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"status\":\"ok\""))
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("\"status\":\"not_ready\""))
            }
        }
    }

    @Test("readyz answers 200 once the gateway is connected to the broker")
    func readyWithBroker() async throws {
        let app = try await buildApplication(configuration: configuration(mqttPort: try SharedBroker.port))
        try await app.test(.live) { client in
            try await withTimeout(.seconds(10), "gateway ready") {
                while true {
                    let status = try await client.execute(uri: "/readyz", method: .get) { $0.status }
                    if status == .ok { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    @Test("readyz answers 200 once the gateway is connected to the broker's TLS listener")
    func readyOverTLS() async throws {
        let ca = try DevelopmentCA()
        let broker = try await TLSTestBroker(ca: ca)
        var configuration = configuration(mqttPort: broker.tlsPort)
        configuration.mqttTLS = MQTTClient.TLSConfiguration(trusting: .file(ca.caCertificate.path))
        let app = try await buildApplication(configuration: configuration)
        try await app.test(.live) { client in
            try await withTimeout(.seconds(10), "gateway ready over TLS") {
                while true {
                    let status = try await client.execute(uri: "/readyz", method: .get) { $0.status }
                    if status == .ok { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }
}
