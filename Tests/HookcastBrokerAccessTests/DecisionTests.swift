import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Authentication and access decisions")
struct DecisionTests {
    static func state() -> BrokerAccessState {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["lobby"]), Fixtures.device("d2")]))
        return state
    }

    @Test("a device logs in with its password and its id as client id only")
    func deviceLogin() {
        let state = Self.state()
        #expect(state.authenticate(username: "d1", password: "d1-password", clientID: "d1") == .allow)
        #expect(state.authenticate(username: "d1", password: "d2-password", clientID: "d1") == .deny)
        #expect(state.authenticate(username: "d1", password: nil, clientID: "d1") == .deny)
        #expect(state.authenticate(username: "d1", password: "d1-password", clientID: "d2") == .deny)
        #expect(state.authenticate(username: "d1", password: "d1-password", clientID: nil) == .deny)
    }

    @Test("a gateway account logs in with its password and any client id")
    func gatewayLogin() {
        let state = Self.state()
        #expect(state.authenticate(username: "gateway", password: "gateway-password", clientID: "any") == .allow)
        #expect(state.authenticate(username: "gateway", password: "d1-password", clientID: "any") == .deny)
        #expect(state.authenticate(username: "gateway", password: nil, clientID: "any") == .deny)
    }

    @Test("user names the plugin does not manage, and no user name, are not its to decide")
    func others() {
        let state = Self.state()
        #expect(state.authenticate(username: "admin", password: "x", clientID: "admin") == .notOurs)
        #expect(state.authenticate(username: "bad name!", password: "x", clientID: "x") == .notOurs)
        #expect(state.authenticate(username: nil, password: nil, clientID: "x") == .notOurs)
        #expect(state.authorize(username: "admin", access: .receive, topic: "hookcast/v1/all/commands") == .notOurs)
        #expect(state.authorize(username: nil, access: .receive, topic: "hookcast/v1/all/commands") == .notOurs)
    }

    @Test("a device's access checks are BrokerAccessPolicy.device with its groups")
    func deviceAccess() {
        let state = Self.state()
        let topics = [
            "hookcast/v1/devices/d1/commands", "hookcast/v1/devices/d2/commands", "hookcast/v1/devices/+/commands",
            "hookcast/v1/devices/d1/acks", "hookcast/v1/devices/d1/status", "hookcast/v1/groups/lobby/commands",
            "hookcast/v1/groups/other/commands", "hookcast/v1/all/commands", "hookcast/v1/#", "#",
            "hookcast/v1/state/emergency/groups/lobby", "$CONTROL/hookcast/v1",
        ]
        for topic in topics {
            for access in BrokerAccess.allCases {
                let expected = BrokerAccessPolicy().device(
                    try! DeviceID("d1"), isMember: { $0 == "lobby" }, may: access, topic: topic)
                #expect(state.authorize(username: "d1", access: access, topic: topic) == (expected ? .allow : .deny))
            }
        }
        #expect(state.authorize(username: "d1", access: .receive, topic: "hookcast/v1/groups/lobby/commands") == .allow)
        #expect(state.authorize(username: "d2", access: .receive, topic: "hookcast/v1/groups/lobby/commands") == .deny)
        #expect(state.authorize(username: "d1", access: .subscribe, topic: "hookcast/v1/devices/+/commands") == .deny)
    }

    @Test("a group change takes effect on the next access check")
    func groupChange() {
        var state = Self.state()
        let topic = "hookcast/v1/groups/lobby/commands"
        _ = state.send(.setGroups([BrokerDeviceGroups(id: try! DeviceID("d1"), groups: [])]))
        #expect(state.authorize(username: "d1", access: .receive, topic: topic) == .deny)
        _ = state.send(.setGroups([BrokerDeviceGroups(id: try! DeviceID("d2"), groups: [try! GroupID("lobby")])]))
        #expect(state.authorize(username: "d2", access: .receive, topic: topic) == .allow)
    }

    @Test("a gateway account's access checks are BrokerAccessPolicy.gateway")
    func gatewayAccess() {
        let state = Self.state()
        for topic in [
            "hookcast/v1/devices/d1/commands", "hookcast/v1/devices/d1/acks", "$CONTROL/hookcast/v1",
            "$CONTROL/hookcast/v1/response/gw", "#", "$CONTROL/dynamic-security/v1",
        ] {
            for access in BrokerAccess.allCases {
                let expected = BrokerAccessPolicy().gateway(may: access, topic: topic)
                #expect(
                    state.authorize(username: "gateway", access: access, topic: topic) == (expected ? .allow : .deny))
            }
        }
    }
}
