import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastServer

/// After a restart the gateway reads the broker's retained configs back, through the plugin's access rules, and
/// sends only what the broker does not hold as the store has it.
@Suite("Retained configs after a gateway restart")
struct ConfigResyncTests {
    @Test("A restarted gateway sends the config the broker lost and no other, and leaves other devices' configs alone")
    func restartSendsOnlyWhatTheBrokerLacks() async throws {
        let broker = try await TestBroker(access: .secure)
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ids = (1...20).map { "resync-\($0)" }
        try await SecureGateway.run(dataDirectory: directory, broker: broker) { gateway, _ in
            let rows = ids.enumerated().map { index, id in
                index < 10 ? #"{"id":"\#(id)","groups":["half"]}"# : #"{"id":"\#(id)"}"#
            }
            let imported = try await gateway.admin(.post, "devices/import", "[\(rows.joined(separator: ","))]")
            try #require(imported.status == .ok, "\(imported.text)")
        }

        // With no gateway running, the broker loses one device's config and gets one for a device of another
        // gateway's store.
        let lost = try DeviceID(ids[2])
        let foreign = try DeviceID("foreign-1")
        let credentials = try broker.gatewayCredentials
        let editor = try SecureGateway.client(
            broker, username: credentials.username, password: credentials.password,
            clientID: "resync-editor-\(UUID().uuidString.prefix(6))")
        try await editor.connect()
        try await editor.publish(to: testTopics.deviceConfig(lost), payload: [], retain: true)
        try await editor.publish(
            to: testTopics.deviceConfig(foreign), payload: DeviceConfigMessage(deviceID: foreign, groups: []).encoded(),
            retain: true)

        let log = RecordedLog()
        try await SecureGateway.run(dataDirectory: directory, broker: broker, logger: log.logger(level: .info)) {
            _, _ in
            let line = try await withTimeout(.seconds(120), "the configs' synchronization logged") {
                while true {
                    if let line = log.all.first(where: { $0.message == "device configs in step" }) { return line }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(line.metadata["in_step"] == "19")
            #expect(line.metadata["published"] == "1")
        }
        #expect(!log.all.contains { $0.message.contains("could not be read back") })

        let held = try #require(
            await editor.retainedMessages(
                under: testTopics.allDeviceConfigs, markerTopic: testTopics.retainedReadMarker("resync-test"),
                timeout: .seconds(120)))
        #expect(held.count == ids.count + 1)
        let restored = try #require(held[testTopics.deviceConfig(lost)])
        #expect(try DeviceConfigMessage.decode(restored).groups.map(\.rawValue) == ["half"])
        #expect(held[testTopics.deviceConfig(foreign)] != nil)
        await editor.disconnect()
        withExtendedLifetime(broker) {}
    }
}
