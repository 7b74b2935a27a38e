import HookcastProtocol
import Testing

@Suite("Broker access decisions, as the plugin asks them")
struct BrokerAccessDecisionTests {
    let device = try! DeviceID("lobby-1")
    let group = try! GroupID("lobby")
    let policy = BrokerAccessPolicy()

    func deviceMay(_ access: BrokerAccess, _ topic: String, groups: Set<String> = ["lobby"]) -> Bool {
        policy.device(device, isMember: { groups.contains(String($0)) }, may: access, topic: topic)
    }

    @Test("A device reads exactly its own topics, its groups', the broadcast and the emergency states addressed to it")
    func deviceReads() {
        let allowed = [
            Topics.standard.deviceCommands(device), Topics.standard.deviceConfig(device),
            Topics.standard.emergencyState(.device(device)),
            Topics.standard.groupCommands(group), Topics.standard.emergencyState(.group(group)),
            Topics.standard.allCommands,
            Topics.standard.emergencyState(.all),
        ]
        for topic in allowed {
            #expect(deviceMay(.subscribe, topic), "\(topic)")
            #expect(deviceMay(.receive, topic), "\(topic)")
            #expect(!deviceMay(.publish, topic), "\(topic)")
        }
        let other = try! DeviceID("lobby-2")
        let otherGroup = try! GroupID("kitchen")
        let refused = [
            Topics.standard.deviceCommands(other), Topics.standard.deviceConfig(other),
            Topics.standard.emergencyState(.device(other)),
            Topics.standard.groupCommands(otherGroup), Topics.standard.emergencyState(.group(otherGroup)),
            Topics.standard.deviceAcks(device),
            Topics.standard.deviceStatus(device), Topics.standard.deviceAcks(other),
            // Wildcards are never identifiers, so no filter reaches further than one literal topic.
            "hookcast/v1/devices/+/commands", "hookcast/v1/devices/#", "hookcast/v1/#", "#", "+/v1/all/commands",
            "hookcast/v1/groups/+/commands", "hookcast/v1/state/emergency/groups/+", "hookcast/v1/state/#",
            // Near misses: other roots, extra or missing levels, shared subscriptions, control topics.
            "hookcast/v2/all/commands", "hookcast/v1/all/commands/", "hookcast/v1/all", "hookcast/v1/devices/lobby-1",
            "hookcast/v1/devices/lobby-1/commands/x", "$share/g/hookcast/v1/devices/lobby-1/commands",
            "$CONTROL/hookcast/v1", "$SYS/broker/uptime", "", "/", "hookcast/v1/devices//commands",
            // The gateway's own: every config, and the marker ending its read of them.
            Topics.standard.allDeviceConfigs, Topics.standard.retainedReadMarker("1f"), "hookcast/v1/sync/+",
        ]
        for topic in refused {
            #expect(!deviceMay(.subscribe, topic), "\(topic)")
            #expect(!deviceMay(.receive, topic), "\(topic)")
        }
    }

    @Test("A device writes only its own acknowledgements and presence; unsubscribing is always allowed")
    func deviceWrites() {
        #expect(deviceMay(.publish, Topics.standard.deviceAcks(device)))
        #expect(deviceMay(.publish, Topics.standard.deviceStatus(device)))
        let other = try! DeviceID("lobby-2")
        for topic in [
            Topics.standard.deviceAcks(other), Topics.standard.deviceStatus(other),
            Topics.standard.deviceCommands(device),
            Topics.standard.allCommands, Topics.standard.groupCommands(group), Topics.standard.emergencyState(.all),
            Topics.standard.deviceConfig(device),
            "hookcast/v1/devices/+/acks", "$CONTROL/hookcast/v1", Topics.standard.retainedReadMarker("1f"),
        ] {
            #expect(!deviceMay(.publish, topic), "\(topic)")
        }
        #expect(deviceMay(.unsubscribe, "anything/at/all"))
    }

    @Test("Group topics follow membership at the moment of the check")
    func membership() {
        #expect(deviceMay(.receive, Topics.standard.groupCommands(group), groups: ["lobby"]))
        #expect(!deviceMay(.receive, Topics.standard.groupCommands(group), groups: []))
        #expect(!deviceMay(.subscribe, Topics.standard.emergencyState(.group(group)), groups: ["kitchen"]))
    }

    @Test(
        "The gateway commands, reads acknowledgements, presence, retained configs and control answers, and nothing else"
    )
    func gateway() {
        let may = policy.gateway(may:topic:)
        for topic in [
            Topics.standard.deviceCommands(device), Topics.standard.deviceConfig(device),
            Topics.standard.groupCommands(group),
            Topics.standard.allCommands, Topics.standard.emergencyState(.all),
            Topics.standard.emergencyState(.group(group)),
            BrokerControl.requestTopic, Topics.standard.retainedReadMarker("1f"),
        ] {
            #expect(may(.publish, topic), "\(topic)")
        }
        for topic in [
            Topics.standard.deviceAcks(device), Topics.standard.deviceStatus(device), "$CONTROL/dynamic-security/v1",
            "#",
        ] {
            #expect(!may(.publish, topic), "\(topic)")
        }
        for topic in [
            Topics.standard.deviceAcks(device), Topics.standard.deviceStatus(device),
            Topics.standard.deviceConfig(device), Topics.standard.retainedReadMarker("1f"),
            BrokerControl.responseTopic + "/gw",
        ] {
            #expect(may(.receive, topic), "\(topic)")
        }
        #expect(!may(.receive, Topics.standard.deviceCommands(device)))
        #expect(!may(.receive, "$SYS/broker/uptime"))
        for filter in [
            "hookcast/v1/devices/+/acks", "hookcast/v1/devices/+/status", "$share/hookcast/hookcast/v1/devices/+/acks",
            Topics.standard.allDeviceConfigs, Topics.standard.retainedReadMarker("1f"),
            BrokerControl.responseTopic + "/gateway-1",
        ] {
            #expect(may(.subscribe, filter), "\(filter)")
        }
        for filter in [
            "#", "hookcast/v1/#", "hookcast/v1/devices/+/commands", "+/+/devices/+/acks", "$CONTROL/#",
            "hookcast/v1/devices/#",
        ] {
            #expect(!may(.subscribe, filter), "\(filter)")
        }
    }
}
