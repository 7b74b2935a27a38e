import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

/// `hookcast device` as its own process, so the command-line options are what is tested.
@Suite("The device agent over TLS")
struct DeviceAgentTLSTests {
    @Test("hookcast device --mqtt-tls-ca connects to the TLS listener, says online, and offline when stopped")
    func agentOverTLS() async throws {
        let ca = try await DevelopmentCA()
        let broker = try await TLSTestBroker(ca: ca)
        let deviceID = try Fixtures.deviceID()
        let watcher = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: broker.tlsPort, clientID: "watch-\(UUID().uuidString.prefix(8))",
                tls: MQTTClient.TLSConfiguration(trusting: .file(ca.caCertificate.path)),
                connectTimeout: .seconds(5)))
        try await watcher.connect()
        let statuses = try await watcher.subscribe(to: testTopics.deviceStatus(deviceID))

        let agent = try ChildProcess(
            executable: try HookcastExecutable.url().path,
            arguments: [
                "device", "--id", deviceID.rawValue, "--mqtt-port", String(broker.tlsPort), "--log-level", "notice",
            ],
            environment: ["HOOKCAST_MQTT_TLS_CA": ca.caCertificate.path],
            directory: ca.directory, logFile: ca.directory.appendingPathComponent("agent.log"))
        defer { agent.terminate() }
        let seen = try await withTimeout(.seconds(15), "online, then offline") {
            var seen: [PresenceStatus] = []
            for await message in statuses {
                guard let presence = try? PresenceMessage.decode(message.payload) else { continue }
                seen.append(presence.status)
                if presence.status == .online { await agent.stop() }
                if presence.status == .offline, seen.contains(.online) { return seen }
            }
            return seen
        }
        #expect(seen.suffix(2) == [.online, .offline])
        // Clears the retained presence, so the broker's database keeps no test devices.
        try await watcher.publish(to: testTopics.deviceStatus(deviceID), payload: [], retain: true)
        await watcher.disconnect()
    }

    @Test("A client certificate without its key is refused before anything connects")
    func certificateWithoutKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("agent.log")
        let agent = try ChildProcess(
            executable: try HookcastExecutable.url().path,
            arguments: ["device", "--id", "tls-check", "--mqtt-tls-ca", "ca.crt", "--mqtt-tls-cert", "device.crt"],
            directory: directory, logFile: log)
        #expect(await agent.exitStatus() != 0)
        #expect(try String(contentsOf: log, encoding: .utf8).contains("--mqtt-tls-cert and --mqtt-tls-key go together"))
    }
}
