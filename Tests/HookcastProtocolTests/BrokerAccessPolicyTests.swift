import HookcastProtocol
import Testing

@Suite("Broker access policy")
struct BrokerAccessPolicyTests {
    let device = try! DeviceID("lobby-1")
    let group = try! GroupID("lobby")

    @Test("A device's rules name only its own topics, its group's and the broadcast, without wildcards")
    func deviceRulesAreLiteral() {
        let rules = BrokerAccessPolicy.device(device) + BrokerAccessPolicy.group(group) + BrokerAccessPolicy.everyDevice
        for rule in rules {
            #expect(!rule.topic.contains("+") && !rule.topic.contains("#"), "\(rule)")
            #expect(rule.kind != .subscribePattern, "\(rule)")
        }
        let sends = Set(rules.filter { $0.kind == .publishClientSend }.map(\.topic))
        #expect(sends == [Topics.deviceAcks(device), Topics.deviceStatus(device)])
        let reads = Set(rules.filter { $0.kind == .subscribeLiteral }.map(\.topic))
        #expect(
            reads == [
                Topics.deviceCommands(device), Topics.deviceConfig(device), Topics.emergencyState(.device(device)),
                Topics.groupCommands(group), Topics.emergencyState(.group(group)), Topics.allCommands,
                Topics.emergencyState(.all),
            ])
        // Every topic a device may subscribe to it may also be sent, and nothing else.
        #expect(Set(rules.filter { $0.kind == .publishClientReceive }.map(\.topic)) == reads)
    }

    @Test("The gateway sends commands, configs and state, and reads only acknowledgements, presence and control")
    func gatewayRules() {
        let sends = BrokerAccessPolicy.gateway.filter { $0.kind == .publishClientSend }.map(\.topic)
        #expect(!sends.contains { $0.hasSuffix("/acks") || $0.hasSuffix("/status") })
        let reads = BrokerAccessPolicy.gateway.filter { $0.kind == .publishClientReceive }.map(\.topic)
        #expect(reads.allSatisfy { $0.hasSuffix("/acks") || $0.hasSuffix("/status") || $0.hasPrefix("$CONTROL/") })
    }

    @Test("Broker names map back to Hookcast ids, and foreign names do not")
    func namesRoundTrip() {
        #expect(BrokerAccessPolicy.groupID(fromBrokerName: BrokerAccessPolicy.groupName(group)) == group)
        #expect(BrokerAccessPolicy.deviceID(fromRoleName: BrokerAccessPolicy.deviceRole(device)) == device)
        #expect(BrokerAccessPolicy.deviceID(fromRoleName: BrokerAccessPolicy.everyDeviceRole) == nil)
        #expect(BrokerAccessPolicy.groupID(fromBrokerName: "admins") == nil)
        #expect(BrokerAccessPolicy.deviceID(fromRoleName: "hookcast-device-a/b") == nil)
    }
}
