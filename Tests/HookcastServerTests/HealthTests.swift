import Foundation
import HookcastCore
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
        let ca = try await DevelopmentCA()
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

    @Test(
        "readyz answers 503 naming the store while the broker is connected but the store does not answer",
        arguments: [UnreachableStore.Failure.refuses, .hangs])
    func notReadyWithoutStore(failure: UnreachableStore.Failure) async throws {
        let store = UnreachableStore(failure: failure)
        let app = try await buildApplication(
            configuration: configuration(mqttPort: try SharedBroker.port), store: store)
        try await app.test(.live) { client in
            try await withTimeout(.seconds(10), "gateway connected to the broker") {
                while true {
                    let health = try await client.execute(uri: "/healthz", method: .get) { String(buffer: $0.body) }
                    if health.contains("\"broker\":\"connected\"") { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains("\"status\":\"not_ready\""), "\(body)")
                #expect(body.contains("\"store\":\"unreachable\""), "\(body)")
                #expect(body.contains("\"broker\":\"connected\""), "\(body)")
            }
        }
    }
}

/// A store that is there for everything but readiness's question, which it refuses or never answers (a database
/// server that is gone, or whose connection hangs).
final class UnreachableStore: HookcastStore {
    enum Failure: String, Sendable, CustomTestStringConvertible {
        case refuses, hangs
        var testDescription: String { rawValue }
    }

    let base = InMemoryStore()
    let failure: Failure

    init(failure: Failure) { self.failure = failure }

    var keys: any KeyRepository { base.keys }
    var devices: any DeviceRepository { base.devices }
    var groups: any GroupRepository { base.groups }
    var actions: any ActionRepository { base.actions }
    var commands: any CommandRepository { base.commands }
    var deliveries: any DeliveryRepository { base.deliveries }
    var emergencies: any EmergencyStateRepository { base.emergencies }
    var audit: any AuditRepository { base.audit }
    var capRules: any CAPRuleRepository { base.capRules }
    var capAlerts: any CAPAlertRepository { base.capAlerts }
    var capFeeds: any CAPFeedRepository { base.capFeeds }
    var callbacks: any CallbackReportRepository { base.callbacks }
    var mqttAccounts: any MQTTAccountRepository { base.mqttAccounts }
    func close() async throws { try await base.close() }

    func checkReachable() async throws {
        switch failure {
        case .refuses: throw StoreError.unavailable("connection refused")
        case .hangs: try await Task.sleep(for: .seconds(3600))
        }
    }
}
