import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import Testing

/// Requests refused as a whole: one `"request"` result with a reason, and nothing changed.
@Suite("Control refusals")
struct ControlRefusalTests {
    func expectRefused(_ request: Data, from sender: String? = Fixtures.gatewayName, reason: String) {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g"])]))
        let before = state.sortedAccounts
        let digest = state.digest
        let (results, outcome) = state.send(request, from: sender)
        #expect(results.count == 1)
        #expect(results.first?.command == "request")
        #expect(results.first?.error?.contains(reason) == true, "\(results)")
        #expect(outcome.changes.isEmpty && outcome.kicks.isEmpty)
        #expect(state.sortedAccounts == before)
        #expect(state.digest == digest)
    }

    let deleteAll = Fixtures.json([.deleteDevices([try! DeviceID("d1")])])

    @Test("a request from a device account, an unknown account or no account is refused")
    func notFromGateway() {
        expectRefused(deleteAll, from: "d1", reason: "only a gateway account")
        expectRefused(deleteAll, from: "stranger", reason: "only a gateway account")
        expectRefused(deleteAll, from: nil, reason: "only a gateway account")
    }

    @Test("a request over the size limit is refused unread")
    func oversized() {
        var big = Data(#"{"commands":[{"command":"digest","pad":""#.utf8)
        big.append(Data(repeating: UInt8(ascii: "x"), count: BrokerControl.maximumRequestBytes))
        big.append(Data(#""}]}"#.utf8))
        expectRefused(big, reason: "larger than")
    }

    @Test("unreadable JSON, invalid UTF-8, deep nesting and a missing field are refused")
    func unreadable() {
        expectRefused(Data("not json".utf8), reason: "unreadable request")
        expectRefused(Data([0x7B, 0xFF, 0xFE, 0x7D]), reason: "UTF-8")
        expectRefused(
            Data((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8), reason: "nested")
        expectRefused(Data(#"{"commands":[{"command":"putDevices"}]}"#.utf8), reason: "devices is missing")
        expectRefused(Data(#"{"commands":[{"command":"deleteDevices","ids":["bad id!"]}]}"#.utf8), reason: "unreadable")
    }

    @Test("an unknown command refuses the whole request, also the known commands in it")
    func unknownCommand() {
        expectRefused(
            Data(#"{"commands":[{"command":"deleteDevices","ids":["d1"]},{"command":"dropTables"}]}"#.utf8),
            reason: "unknown command")
    }

    @Test("a request naming more devices than the limit, summed over its commands, is refused")
    func tooManyDevices() {
        let half = BrokerControl.maximumDevicesPerRequest / 2 + 1
        let ids = (0..<half).map { try! DeviceID("x\($0)") }
        expectRefused(Fixtures.json([.deleteDevices(ids), .deleteDevices(ids)]), reason: "more than")
    }

    @Test("the largest allowed request is applied")
    func atTheLimit() {
        var state = Fixtures.state()
        let accounts = (0..<BrokerControl.maximumDevicesPerRequest).map { Fixtures.device("d\($0)") }
        let (results, _) = state.send(.putDevices(accounts))
        #expect(results == [BrokerControlResult(command: "putDevices", count: accounts.count)])
        #expect(state.devices.count == accounts.count)
    }
}
