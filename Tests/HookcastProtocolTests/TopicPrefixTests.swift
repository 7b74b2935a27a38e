import HookcastProtocol
import Testing

@Suite("Topic prefix")
struct TopicPrefixTests {
    let acme = try! Topics(prefix: "acme/signage/hookcast")
    let device = try! DeviceID("lobby-1")
    let group = try! GroupID("lobby")

    @Test("every topic moves under the prefix")
    func everyTopicMoves() throws {
        #expect(acme.deviceCommands(device) == "acme/signage/hookcast/devices/lobby-1/commands")
        #expect(acme.groupCommands(group) == "acme/signage/hookcast/groups/lobby/commands")
        #expect(acme.tagCommands("hall") == "acme/signage/hookcast/tags/hall/commands")
        #expect(acme.allCommands == "acme/signage/hookcast/all/commands")
        #expect(acme.deviceConfig(device) == "acme/signage/hookcast/devices/lobby-1/config")
        #expect(acme.deviceAcks(device) == "acme/signage/hookcast/devices/lobby-1/acks")
        #expect(acme.deviceStatus(device) == "acme/signage/hookcast/devices/lobby-1/status")
        #expect(acme.emergencyState(.group(group)) == "acme/signage/hookcast/state/emergency/groups/lobby")
        #expect(acme.isTagCommands("acme/signage/hookcast/tags/hall/commands"))
        #expect(!acme.isTagCommands("hookcast/v1/tags/hall/commands"))
        #expect(acme.isEmergencyState("acme/signage/hookcast/state/emergency/all"))
        #expect(!acme.isEmergencyState("hookcast/v1/state/emergency/all"))
        #expect(Topics.standard.deviceCommands(device) == "hookcast/v1/devices/lobby-1/commands")
        #expect(acme.allDeviceConfigs == "acme/signage/hookcast/devices/+/config")
        #expect(acme.retainedReadMarker("1f") == "acme/signage/hookcast/sync/1f")
    }

    @Test("a config topic names its device, under this prefix only")
    func deviceOfConfig() {
        #expect(acme.deviceOfConfig(acme.deviceConfig(device)) == device)
        for topic in [
            "hookcast/v1/devices/lobby-1/config", "acme/signage/hookcast/devices/lobby-1/acks",
            "acme/signage/hookcast/devices/lobby-1/config/x", "acme/signage/hookcast/devices//config",
            "acme/signage/hookcast/groups/lobby/config", "acme/signage/hookcast/devices/+/config",
        ] {
            #expect(acme.deviceOfConfig(topic) == nil, "\(topic)")
        }
    }

    @Test("the store names an emergency scope the same whatever the prefix")
    func scopeKeyIgnoresThePrefix() {
        #expect(ActionTarget.group(group).emergencyScopeKey == "hookcast/v1/state/emergency/groups/lobby")
    }

    @Test(
        "a prefix that is not plain topic levels is refused, naming the problem",
        arguments: [
            ("", TopicPrefixError.empty), ("a/+/b", .wildcard), ("a/#", .wildcard), ("$SYS/x", .leadingDollar),
            ("/a", .emptyLevel), ("a/", .emptyLevel), ("a//b", .emptyLevel), ("a\u{0}b", .nullCharacter),
            (String(repeating: "a", count: 129), .tooLong(bytes: 129)),
        ])
    func refused(prefix: String, error: TopicPrefixError) {
        #expect(throws: error) { try Topics(prefix: prefix) }
    }

    @Test("a prefix of one level, of 128 bytes, or of non-ASCII letters is accepted")
    func accepted() throws {
        #expect(try Topics(prefix: "signage").allCommands == "signage/all/commands")
        #expect(try Topics(prefix: String(repeating: "a", count: 128)).root.utf8.count == 128)
        #expect(try Topics(prefix: "écrans/v1").allCommands == "écrans/v1/all/commands")
    }

    @Test("under another prefix a device reads and writes its topics there, and nothing under the default")
    func devicePolicyFollowsThePrefix() {
        let policy = BrokerAccessPolicy(topics: acme)
        func may(_ access: BrokerAccess, _ topic: String) -> Bool {
            policy.device(device, isMember: { $0 == "lobby" }, may: access, topic: topic)
        }
        for topic in [
            acme.deviceCommands(device), acme.groupCommands(group), acme.allCommands, acme.deviceConfig(device),
            acme.emergencyState(.all), acme.emergencyState(.group(group)),
        ] {
            #expect(may(.subscribe, topic) && may(.receive, topic), "\(topic)")
            #expect(!may(.subscribe, Topics.standard.root + topic.dropFirst(acme.root.count)), "\(topic)")
        }
        #expect(may(.publish, acme.deviceAcks(device)) && may(.publish, acme.deviceStatus(device)))
        #expect(!may(.publish, Topics.standard.deviceAcks(device)))
        // A topic that only starts like the prefix is outside it.
        #expect(!may(.subscribe, "acme/signage/hookcastx/all/commands"))
        #expect(!may(.subscribe, "acme/signage/all/commands"))
    }

    @Test("under another prefix the gateway's rights move with it")
    func gatewayPolicyFollowsThePrefix() {
        let policy = BrokerAccessPolicy(topics: acme)
        #expect(policy.gateway(may: .publish, topic: acme.allCommands))
        #expect(!policy.gateway(may: .publish, topic: Topics.standard.allCommands))
        #expect(policy.gateway(may: .subscribe, topic: "$share/g/acme/signage/hookcast/devices/+/acks"))
        #expect(!policy.gateway(may: .subscribe, topic: "$share/g/hookcast/v1/devices/+/acks"))
        #expect(policy.gateway(may: .publish, topic: BrokerControl.requestTopic))
    }
}
