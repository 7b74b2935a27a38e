import Foundation
import HookcastServer
import HookcastTestSupport
import Logging
import Mosquitto
import Testing

/// A broker started from the shipped configuration as it is (no anonymous clients, Hookcast's broker plugin)
/// and a gateway that manages its device accounts.
enum SecureGateway {
    static func run(
        dataDirectory: URL? = nil, broker existing: TestBroker? = nil, logger: Logger? = nil,
        _ body: @escaping @Sendable (GatewayClient, TestBroker) async throws -> Void
    ) async throws {
        let broker: TestBroker
        if let existing {
            broker = existing
        } else {
            broker = try await TestBroker(access: .secure)
        }
        let credentials = try broker.gatewayCredentials
        try await GatewayHarness.run(
            dataDirectory: dataDirectory, mqttPort: broker.port,
            configure: { settings in
                settings.mqttUsername = credentials.username
                settings.mqttPassword = credentials.password
                settings.deviceAccounts = .plugin
            }, logger: logger
        ) { gateway in
            try await body(gateway, broker)
        }
        withExtendedLifetime(broker) {}
    }

    /// Registers a device and returns the broker password the gateway answered with.
    static func createDevice(_ gateway: GatewayClient, _ id: String) async throws -> String {
        let created = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
        try #require(created.status == .created, "\(created.text)")
        return try #require(created.string("mqtt_password"))
    }

    /// Imports the devices of `rows` (JSON objects) and writes each one's broker password to `<id>.password` in
    /// `directory`, for a `FleetSimulator` with `.perDevice(directory:)`.
    static func importFleet(_ gateway: GatewayClient, rows: [String], passwordsTo directory: URL) async throws {
        let imported = try await gateway.admin(.post, "devices/import", "[\(rows.joined(separator: ","))]")
        try #require(imported.status == .ok, "\(imported.text)")
        guard case .object(let answered)? = imported["mqtt_passwords"] else {
            Issue.record("no passwords: \(imported.text)")
            return
        }
        for (id, password) in answered {
            guard case .string(let text) = password else { continue }
            try Data(text.utf8).write(to: directory.appendingPathComponent("\(id).password"))
        }
    }

    static func createGroup(_ gateway: GatewayClient, _ id: String, members: [String]) async throws {
        let list = members.map { "\"\($0)\"" }.joined(separator: ",")
        let created = try await gateway.admin(.post, "groups", #"{"id":"\#(id)","members":[\#(list)]}"#)
        try #require(created.status == .created, "\(created.text)")
    }

    /// Creates an action for `target` (`all`, `device:ID` or `group:ID`) under `event` and triggers it.
    static func trigger(_ gateway: GatewayClient, event: String, target: String, key: String) async throws {
        let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
        let targetJSON =
            parts.count == 2 ? #"{"kind":"\#(parts[0])","id":"\#(parts[1])"}"# : #"{"kind":"\#(target)"}"#
        let action = try await gateway.admin(
            .post, "actions", #"{"event_id":"\#(event)","function":"refresh_content","target":\#(targetJSON)}"#)
        try #require(action.status == .created, "\(action.text)")
        let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"\#(event)"}"#)
        try #require(answer["message"] == .string("success"), "\(answer.text)")
    }

    /// An MQTT client of the test's own, on the secure broker.
    static func client(
        _ broker: TestBroker, username: String?, password: String?, clientID: String? = nil
    ) throws -> MQTTClient {
        try MQTTClient(
            configuration: MQTTClient.Configuration(
                host: "127.0.0.1", port: broker.port,
                clientID: clientID ?? username ?? "anonymous-\(UUID().uuidString.prefix(8))",
                username: username, password: password, keepAlive: 10, connectTimeout: .seconds(5),
                reconnectDelay: 1...2, acknowledgementTimeout: .seconds(5), offlineWaitTimeout: .seconds(2)))
    }
}
