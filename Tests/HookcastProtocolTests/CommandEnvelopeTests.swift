import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct CommandEnvelopeTests {
    private func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func theEnvelopeHasTheDocumentedShape() throws {
        let id = try #require(UUID(uuidString: "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D"))
        let envelope = try makeEnvelope(
            id: id,
            issuedAt: Date(timeIntervalSince1970: 1_736_000_000.123),
            target: .device(try deviceID("d1"))
        )
        let json = try object(envelope.encoded())
        #expect(Set(json.keys) == ["v", "id", "function", "params", "event_id", "target", "issued_at", "expires_at"])
        #expect(json["v"] as? Int == 1)
        #expect(json["id"] as? String == "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")
        #expect(json["function"] as? String == "load_url")
        #expect(json["params"] as? [String: String] == ["url": "https://example.com"])
        #expect(json["event_id"] as? String == "door-open")
        #expect(json["target"] as? [String: String] == ["kind": "device", "id": "d1"])
        #expect(json["issued_at"] as? String == "2025-01-04T14:13:20.123Z")
        #expect(json["expires_at"] as? String == "2025-01-04T14:18:20.123Z")
    }

    @Test func sensorDataIsIncludedOnlyWhenPresent() throws {
        let sensor = SensorData(id: "s1", event: "temp", value: .object(["c": .number(21.5)]))
        let json = try object(try makeEnvelope(sensorData: sensor).encoded())
        let sensorJSON = try #require(json["sensor_data"] as? [String: Any])
        #expect(sensorJSON["id"] as? String == "s1")
        #expect(sensorJSON["event"] as? String == "temp")
        #expect((sensorJSON["value"] as? [String: Double]) == ["c": 21.5])
        #expect(json["target"] as? [String: String] == ["kind": "all"])
    }

    @Test func encodingIsStableAndDecodesBack() throws {
        let envelope = try makeEnvelope(sensorData: SensorData(id: "a", event: "b", value: .bool(true)))
        let bytes = envelope.encoded()
        #expect(bytes == envelope.encoded())
        #expect(try CommandEnvelope.decode(bytes) == envelope)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"event_id":"door-open","expires_at":"#))
        #expect(text.contains(#""url":"https://example.com""#))
    }

    @Test func deviceConfigHasTheDocumentedShape() throws {
        let message = DeviceConfigMessage(
            deviceID: try deviceID("d1"), groups: [try groupID("g2"), try groupID("g1")], tags: ["lobby", "Floor 2"])
        #expect(
            String(decoding: message.encoded(), as: UTF8.self)
                == #"{"device_id":"d1","groups":["g1","g2"],"tags":["Floor 2","lobby"],"v":1}"#)
        #expect(try DeviceConfigMessage.decode(message.encoded()) == message)
        // An older gateway's config has no tags: it means none.
        let older = try DeviceConfigMessage.decode(Array(#"{"device_id":"d1","groups":["g1"],"v":1}"#.utf8))
        #expect(older.tags.isEmpty)
    }

    @Test func topicsFollowTheV1Scheme() throws {
        let device = try deviceID("d1")
        let group = try groupID("g1")
        #expect(Topics.standard.deviceCommands(device) == "hookcast/v1/devices/d1/commands")
        #expect(Topics.standard.groupCommands(group) == "hookcast/v1/groups/g1/commands")
        #expect(Topics.standard.allCommands == "hookcast/v1/all/commands")
        #expect(Topics.standard.deviceConfig(device) == "hookcast/v1/devices/d1/config")
        #expect(Topics.standard.deviceAcks(device) == "hookcast/v1/devices/d1/acks")
        #expect(Topics.standard.deviceStatus(device) == "hookcast/v1/devices/d1/status")
        #expect(Topics.standard.commandTopics(for: .device(device)) == [Topics.standard.deviceCommands(device)])
        #expect(Topics.standard.commandTopics(for: .group(group)) == [Topics.standard.groupCommands(group)])
        #expect(Topics.standard.commandTopics(for: .all) == [Topics.standard.allCommands])
        #expect(Topics.standard.tagCommands("Floor 2/B") == "hookcast/v1/tags/Floor%202%2FB/commands")
    }
}
