import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// `BrokerControlWriter`, the gateway's writer of control requests: `JSONDecoder` reads back what it was given, and
/// the plugin's fast reader reads it without falling back to the decoder.
@Suite("Control request writer")
struct ControlWriterTests {
    @Test("2,000 random requests of every kind decode to themselves, through the fast reader too")
    func roundTrips() throws {
        var random = SeededRandom(seed: 22)
        for _ in 0..<2_000 {
            let request = ControlReaderTests.request(using: &random)
            let written = Data(BrokerControlWriter.encode(request))
            let text = String(decoding: written, as: UTF8.self)
            #expect(try JSONDecoder().decode(BrokerControlRequest.self, from: written) == request, "\(text)")
            #expect(BrokerControlReader.read(written) == request, "\(text)")
        }
    }

    @Test("a string JSON must escape comes back unchanged")
    func escapes() throws {
        let credential = "quote \" backslash \\ newline \n tab \t nul \u{0} unit separator \u{1f} é"
        let request = BrokerControlRequest(commands: [
            .putDevices([BrokerDeviceAccount(id: try DeviceID("d1"), credential: credential, groups: [])])
        ])
        let written = Data(BrokerControlWriter.encode(request))
        #expect(try JSONDecoder().decode(BrokerControlRequest.self, from: written) == request)
    }

    @Test("writes the compact form, keys in the order docs/broker-plugin.md shows")
    func writesTheCompactForm() throws {
        let request = BrokerControlRequest(commands: [
            .beginSync(generation: 7),
            .putDevices([
                BrokerDeviceAccount(
                    id: try DeviceID("d1"), credential: "c1", groups: [try GroupID("g1"), try GroupID("g2")])
            ]),
            .setGroups([BrokerDeviceGroups(id: try DeviceID("d2"), groups: [])]),
            .deleteDevices([try DeviceID("d3"), try DeviceID("d4")]),
            .removeGroup(try GroupID("g3")), .endSync(generation: 7), .digest,
        ])
        #expect(
            String(decoding: BrokerControlWriter.encode(request), as: UTF8.self)
                == #"{"commands":[{"command":"beginSync","generation":7},"#
                + #"{"command":"putDevices","devices":[{"id":"d1","credential":"c1","groups":["g1","g2"]}]},"#
                + #"{"command":"setGroups","devices":[{"id":"d2","groups":[]}]},"#
                + #"{"command":"deleteDevices","ids":["d3","d4"]},{"command":"removeGroup","group":"g3"},"#
                + #"{"command":"endSync","generation":7},{"command":"digest"}]}"#)
    }
}
