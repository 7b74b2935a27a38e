import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import Testing

extension Fixtures {
    static func integration(_ name: String, password: String? = nil) -> BrokerClientAccount {
        BrokerClientAccount(
            name: try! MQTTAccountName(name), credential: credential(password ?? "\(name)-password"),
            role: .integration)
    }

    static func observer(
        _ name: String, password: String? = nil, groups: [String]? = nil, commands: Bool = false
    ) -> BrokerClientAccount {
        BrokerClientAccount(
            name: try! MQTTAccountName(name), credential: credential(password ?? "\(name)-password"),
            role: .observer(groups: groups.map { $0.map { try! GroupID($0) } }, includeCommands: commands))
    }
}

@Suite("Integration and observer accounts in the plugin")
struct ClientAccountTests {
    static func state() -> BrokerAccessState {
        var state = Fixtures.state()
        let (results, _) = state.send(
            .putDevices([Fixtures.device("d1", groups: ["lobby"]), Fixtures.device("d2", groups: ["hall"])]),
            .putClients([
                Fixtures.integration("erp"), Fixtures.observer("ops"),
                Fixtures.observer("lobbywatch", groups: ["lobby"], commands: true),
            ]))
        #expect(results.map(\.error) == [nil, nil])
        return state
    }

    @Test("a client account logs in with its password and its user name, or the user name and ':', as client id")
    func login() {
        let state = Self.state()
        #expect(
            state.authenticate(username: "integration.erp", password: "erp-password", clientID: "integration.erp")
                == .allow)
        #expect(
            state.authenticate(username: "integration.erp", password: "erp-password", clientID: "integration.erp:2")
                == .allow)
        #expect(
            state.authenticate(username: "observer.ops", password: "ops-password", clientID: "observer.ops:dash")
                == .allow)
        #expect(
            state.authenticate(username: "integration.erp", password: "ops-password", clientID: "integration.erp")
                == .deny)
        #expect(state.authenticate(username: "integration.erp", password: nil, clientID: "integration.erp") == .deny)
        for clientID in ["d1", "gateway", "integration.erpx", "integration.er", "observer.ops", "", nil] as [String?] {
            #expect(
                state.authenticate(username: "integration.erp", password: "erp-password", clientID: clientID) == .deny)
        }
        #expect(
            state.authenticate(username: "integration.crm", password: "crm-password", clientID: "integration.crm")
                == .notOurs)
    }

    @Test("a client account's access checks follow BrokerAccessPolicy below the topic prefix")
    func access() {
        let state = Self.state()
        func decide(_ username: String, _ access: BrokerAccess, _ topic: String) -> BrokerDecision {
            state.authorize(username: username, access: access, topic: topic)
        }
        #expect(decide("integration.erp", .publish, "hookcast/v1/triggers/door") == .allow)
        #expect(decide("integration.erp", .publish, "hookcast/v1/devices/d1/commands") == .deny)
        #expect(decide("integration.erp", .publish, "triggers/door") == .deny)
        #expect(decide("integration.erp", .subscribe, "hookcast/v1/answers/erp/#") == .allow)
        #expect(decide("integration.erp", .subscribe, "hookcast/v1/answers/+/#") == .deny)
        #expect(decide("observer.ops", .receive, "hookcast/v1/devices/d2/acks") == .allow)
        #expect(decide("observer.ops", .receive, "hookcast/v1/devices/d2/commands") == .deny)
        #expect(decide("observer.ops", .publish, "hookcast/v1/devices/d2/acks") == .deny)
        // Membership comes from the device accounts the plugin holds.
        #expect(decide("observer.lobbywatch", .receive, "hookcast/v1/devices/d1/acks") == .allow)
        #expect(decide("observer.lobbywatch", .receive, "hookcast/v1/devices/d1/commands") == .allow)
        #expect(decide("observer.lobbywatch", .receive, "hookcast/v1/devices/d2/acks") == .deny)
        #expect(decide("observer.lobbywatch", .receive, "hookcast/v1/all/commands") == .allow)
        #expect(decide("observer.lobbywatch", .unsubscribe, "anything/at/all") == .allow)
    }

    @Test("a group change of a device changes what a group-scoped observer receives")
    func membershipFollowsDevices() {
        var state = Self.state()
        let topic = "hookcast/v1/devices/d2/status"
        #expect(state.authorize(username: "observer.lobbywatch", access: .receive, topic: topic) == .deny)
        _ = state.send(.setGroups([BrokerDeviceGroups(id: try! DeviceID("d2"), groups: [try! GroupID("lobby")])]))
        #expect(state.authorize(username: "observer.lobbywatch", access: .receive, topic: topic) == .allow)
    }

    @Test("putClients refuses names the plugin does not manage and bad credentials, changing nothing")
    func putRefusals() {
        var state = BrokerAccessState(
            gateways: GatewayAccounts([
                Fixtures.gatewayName: StoredCredential(password: Fixtures.gatewayPassword),
                "observer.taken": StoredCredential(password: "x"),
            ]),
            otherAccounts: OtherAccountNames(fileContents: "integration.other\n"))
        for account in [Fixtures.observer("taken"), Fixtures.integration("other")] {
            let (results, outcome) = state.send(.putClients([Fixtures.integration("fine"), account]))
            #expect(results.first?.error?.contains(account.username) == true)
            #expect(outcome.changes.isEmpty)
        }
        var bad = Fixtures.integration("bad")
        bad.credential = "not-hex"
        let (results, outcome) = state.send(.putClients([Fixtures.integration("fine"), bad]))
        #expect(results.first?.error == "client integration.bad: the credential is not 64 lowercase hex digits")
        #expect(outcome.changes.isEmpty)
        #expect(state.clientAccounts.count == 0)
    }

    @Test("a new credential or kind disconnects, a scope change does not; a delete disconnects")
    func kicks() {
        var state = Self.state()
        let (_, scoped) = state.send(.putClients([Fixtures.observer("ops", groups: ["hall"])]))
        #expect(scoped.kicks.isEmpty)
        #expect(scoped.changes == [.putClient(Fixtures.observer("ops", groups: ["hall"]))])
        let (_, same) = state.send(.putClients([Fixtures.observer("ops", groups: ["hall"])]))
        #expect(same.changes.isEmpty)
        let (_, rotated) = state.send(.putClients([Fixtures.integration("erp", password: "new")]))
        #expect(rotated.kicks == ["integration.erp"])
        let (results, deleted) = state.send(.deleteClients(["observer.ops", "observer.none"]))
        #expect(results.first?.count == 1)
        #expect(deleted.kicks == ["observer.ops"])
        #expect(deleted.changes == [.deleteClient("observer.ops")])
        #expect(
            state.authenticate(username: "observer.ops", password: "ops-password", clientID: "observer.ops") == .notOurs
        )
    }

    @Test("replaceClients keeps exactly the accounts it names")
    func replace() {
        var state = Self.state()
        let (results, outcome) = state.send(
            .replaceClients([Fixtures.integration("erp"), Fixtures.integration("crm")]))
        #expect(results.first?.error == nil)
        #expect(results.first?.count == 2)
        #expect(state.clientAccounts.usernames == ["integration.crm", "integration.erp"])
        #expect(Set(outcome.kicks) == ["observer.ops", "observer.lobbywatch"])
        #expect(outcome.changes.contains(.putClient(Fixtures.integration("crm"))))
        #expect(!outcome.changes.contains(.putClient(Fixtures.integration("erp"))))
    }

    @Test("removeGroup takes the group from observers; one left without groups sees nothing, not the fleet")
    func removeGroup() {
        var state = Self.state()
        let (_, outcome) = state.send(.removeGroup(try! GroupID("lobby")))
        let emptied = Fixtures.observer("lobbywatch", groups: [], commands: true)
        #expect(outcome.changes.contains(.putClient(emptied)))
        #expect(state.clientAccounts.account("observer.lobbywatch") == emptied)
        for topic in ["devices/d1/acks", "devices/d2/acks", "all/commands", "state/emergency/all"] {
            #expect(
                state.authorize(username: "observer.lobbywatch", access: .receive, topic: "hookcast/v1/\(topic)")
                    == .deny)
        }
    }

    @Test("control requests with client commands decode the same from the writer's bytes and JSONEncoder's")
    func coding() throws {
        let request = BrokerControlRequest(commands: [
            .putClients([Fixtures.integration("erp"), Fixtures.observer("a", groups: ["g"], commands: true)]),
            .replaceClients([Fixtures.observer("b")]), .deleteClients(["observer.a"]),
        ])
        let written = try JSONDecoder().decode(
            BrokerControlRequest.self, from: Data(BrokerControlWriter.encode(request)))
        #expect(written == request)
        let encoded = try JSONDecoder().decode(BrokerControlRequest.self, from: JSONEncoder().encode(request))
        #expect(encoded == request)
    }
}
