import Foundation
import HookcastProtocol
import Testing

@Suite("Acknowledgement and presence messages have the wire format of docs/protocol.md")
struct MessageCodingTests {
    let date = Date(timeIntervalSince1970: 1_800_000_000.123)

    @Test("An acknowledgement encodes with sorted keys, a lower-case id and a millisecond timestamp")
    func acknowledgement() throws {
        let id = try #require(UUID(uuidString: "9F0C3C2E-5D43-4D1F-8D8E-2A6F1B7F4E21"))
        let ack = Acknowledgement(
            commandID: id, deviceID: try DeviceID("d1"), status: .failed, detail: "no screen", executedAt: date)
        let text = String(decoding: ack.encoded(), as: UTF8.self)
        #expect(
            text == #"{"command_id":"9f0c3c2e-5d43-4d1f-8d8e-2a6f1b7f4e21","detail":"no screen","device_id":"d1","#
                + #""executed_at":"2027-01-15T08:00:00.123Z","status":"failed","v":1}"#)
        #expect(try Acknowledgement.decode(ack.encoded()) == ack)
        let bare = Acknowledgement(commandID: id, deviceID: try DeviceID("d1"), status: .ok, executedAt: date)
        #expect(!String(decoding: bare.encoded(), as: UTF8.self).contains("detail"))
    }

    @Test("A presence message encodes and decodes")
    func presence() throws {
        let presence = PresenceMessage(deviceID: try DeviceID("d1"), status: .offline, since: date)
        let text = String(decoding: presence.encoded(), as: UTF8.self)
        #expect(
            text == #"{"agent_version":"\#(HookcastVersion.current)","device_id":"d1","#
                + #""since":"2027-01-15T08:00:00.123Z","status":"offline","v":1}"#)
        #expect(try PresenceMessage.decode(presence.encoded()) == presence)
    }
}
