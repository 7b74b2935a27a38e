import HookcastProtocol
import Testing

@Suite("Integration and observer access policy")
struct ClientPolicyTests {
    static func levels(_ topic: String) -> [Substring] {
        topic.split(separator: "/", omittingEmptySubsequences: false)
    }

    static func integration(_ access: BrokerAccess, _ topic: String) -> Bool {
        BrokerAccessPolicy.integration(try! MQTTAccountName("erp"), may: access, levels: levels(topic))
    }

    @Test("an integration publishes only to triggers/{event_id}")
    func integrationPublish() {
        #expect(Self.integration(.publish, "triggers/door-open"))
        #expect(Self.integration(.publish, "triggers/fire.alarm:1"))
        for topic in [
            "triggers", "triggers/", "triggers/a/b", "devices/d1/commands", "all/commands", "groups/g/commands",
            "answers/erp/x", "state/emergency/all", "devices/d1/acks",
        ] {
            #expect(!Self.integration(.publish, topic), "\(topic)")
        }
    }

    @Test("an integration reads only its own answers, never another's through a wildcard")
    func integrationRead() {
        for access in [BrokerAccess.subscribe, .receive] {
            #expect(Self.integration(access, "answers/erp/#"))
            #expect(Self.integration(access, "answers/erp/t1"))
            #expect(Self.integration(access, "answers/erp"))
            for topic in [
                "answers/crm/#", "answers/+/#", "answers/#", "#", "triggers/x", "devices/+/acks", "answers/erpx/a",
            ] {
                #expect(!Self.integration(access, topic), "\(access) \(topic)")
            }
        }
        #expect(Self.integration(.unsubscribe, "anything"))
    }

    static func observer(
        groups: Set<String>?, commands: Bool, members: [String: Set<String>] = ["d1": ["lobby"], "d2": ["hall"]]
    ) -> BrokerAccessPolicy.ObserverScope {
        BrokerAccessPolicy.ObserverScope(
            fleet: groups == nil, includeCommands: commands, watchesNothing: groups?.isEmpty ?? false,
            watchesGroup: { group in groups.map { $0.contains(String(group)) } ?? true },
            watchesDevice: { id in
                guard let groups else { return true }
                return !(members[String(id)] ?? []).isDisjoint(with: groups)
            })
    }

    @Test("a fleet observer reads acks, presence and emergency state, commands only when included, writes nothing")
    func fleetObserver() {
        let plain = Self.observer(groups: nil, commands: false)
        let withCommands = Self.observer(groups: nil, commands: true)
        let readable = [
            "devices/d1/acks", "devices/d9/status", "state/emergency/all", "state/emergency/devices/d9",
            "state/emergency/groups/any",
        ]
        let commands = ["devices/d1/commands", "groups/g/commands", "all/commands", "tags/t/commands"]
        for topic in readable {
            #expect(BrokerAccessPolicy.observer(plain, may: .receive, levels: Self.levels(topic)), "\(topic)")
            #expect(!BrokerAccessPolicy.observer(withCommands, may: .publish, levels: Self.levels(topic)), "\(topic)")
        }
        for topic in commands {
            #expect(!BrokerAccessPolicy.observer(plain, may: .receive, levels: Self.levels(topic)), "\(topic)")
            #expect(BrokerAccessPolicy.observer(withCommands, may: .receive, levels: Self.levels(topic)), "\(topic)")
            #expect(!BrokerAccessPolicy.observer(withCommands, may: .publish, levels: Self.levels(topic)), "\(topic)")
        }
        for filter in ["devices/+/acks", "devices/+/status", "state/emergency/#", "state/emergency/+/+"] {
            #expect(BrokerAccessPolicy.observer(plain, may: .subscribe, levels: Self.levels(filter)), "\(filter)")
        }
        for filter in ["devices/+/commands", "groups/+/commands", "all/commands", "tags/+/commands"] {
            #expect(!BrokerAccessPolicy.observer(plain, may: .subscribe, levels: Self.levels(filter)), "\(filter)")
            #expect(
                BrokerAccessPolicy.observer(withCommands, may: .subscribe, levels: Self.levels(filter)), "\(filter)")
        }
        for topic in ["devices/d1/config", "#", "devices/#", "devices/+/+", "triggers/x", "answers/a/#", "state/#"] {
            #expect(!BrokerAccessPolicy.observer(withCommands, may: .subscribe, levels: Self.levels(topic)), "\(topic)")
            #expect(!BrokerAccessPolicy.observer(withCommands, may: .receive, levels: Self.levels(topic)), "\(topic)")
        }
    }

    @Test("a group-scoped observer receives only its groups' devices, its groups and the fleet-wide topics")
    func groupObserver() {
        let scope = Self.observer(groups: ["lobby"], commands: true)
        func receives(_ topic: String) -> Bool {
            BrokerAccessPolicy.observer(scope, may: .receive, levels: Self.levels(topic))
        }
        #expect(receives("devices/d1/acks"))
        #expect(receives("devices/d1/status"))
        #expect(receives("devices/d1/commands"))
        #expect(receives("groups/lobby/commands"))
        #expect(receives("all/commands"))
        #expect(receives("state/emergency/all"))
        #expect(receives("state/emergency/devices/d1"))
        #expect(receives("state/emergency/groups/lobby"))
        for topic in [
            "devices/d2/acks", "devices/d2/status", "devices/d2/commands", "devices/unknown/acks",
            "groups/hall/commands", "tags/t/commands", "state/emergency/devices/d2", "state/emergency/groups/hall",
        ] {
            #expect(!receives(topic), "\(topic)")
        }
        func subscribes(_ filter: String) -> Bool {
            BrokerAccessPolicy.observer(scope, may: .subscribe, levels: Self.levels(filter))
        }
        #expect(subscribes("devices/+/acks"))
        #expect(subscribes("groups/lobby/commands"))
        #expect(subscribes("groups/+/commands"))
        #expect(!subscribes("groups/hall/commands"))
        #expect(!subscribes("tags/+/commands"))
        #expect(!subscribes("state/emergency/groups/hall"))
    }

    @Test("an observer whose groups were all deleted sees nothing of any device or group")
    func emptyScope() {
        let scope = Self.observer(groups: [], commands: true)
        for topic in [
            "devices/d1/acks", "devices/d2/status", "groups/lobby/commands", "state/emergency/devices/d1",
            "all/commands", "state/emergency/all",
        ] {
            #expect(!BrokerAccessPolicy.observer(scope, may: .receive, levels: Self.levels(topic)), "\(topic)")
            #expect(!BrokerAccessPolicy.observer(scope, may: .subscribe, levels: Self.levels(topic)), "\(topic)")
        }
    }
}
