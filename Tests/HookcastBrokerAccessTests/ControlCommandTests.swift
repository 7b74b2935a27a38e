import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Control commands")
struct ControlCommandTests {
    @Test("putDevices creates accounts, journals them and disconnects nobody")
    func putCreates() {
        var state = Fixtures.state()
        let accounts = [Fixtures.device("d1", groups: ["g1"]), Fixtures.device("d2")]
        let (results, outcome) = state.send(.putDevices(accounts))
        #expect(results == [BrokerControlResult(command: "putDevices", count: 2)])
        #expect(outcome.changes == accounts.map { .put($0) })
        #expect(outcome.kicks.isEmpty)
        #expect(state.sortedAccounts == accounts)
    }

    @Test("putDevices of an unchanged account changes nothing and disconnects nobody")
    func putUnchanged() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"])]))
        let (_, outcome) = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"])]))
        #expect(outcome.changes.isEmpty)
        #expect(outcome.kicks.isEmpty)
    }

    @Test("putDevices with a changed credential disconnects the device; changed groups do not")
    func putChanges() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1"), Fixtures.device("d2")]))
        let (_, outcome) = state.send(
            .putDevices([Fixtures.device("d1", password: "new"), Fixtures.device("d2", groups: ["g"])]))
        #expect(outcome.kicks == ["d1"])
        #expect(
            outcome.changes == [
                .put(Fixtures.device("d1", password: "new")), .put(Fixtures.device("d2", groups: ["g"])),
            ])
    }

    @Test("putDevices with a malformed credential is refused whole")
    func putBadCredential() {
        var state = Fixtures.state()
        for bad in [
            "", "abc", String(repeating: "A", count: 64), String(repeating: "g", count: 64),
            String(repeating: "a", count: 65),
        ] {
            var account = Fixtures.device("d2")
            account.credential = bad
            let (results, outcome) = state.send(.putDevices([Fixtures.device("d1"), account]))
            #expect(results.count == 1 && results[0].error != nil)
            #expect(results[0].error?.contains(bad.isEmpty ? "\u{0}" : bad) == false, "no credential in an answer")
            #expect(outcome.changes.isEmpty && outcome.kicks.isEmpty)
            #expect(state.devices.count == 0)
        }
    }

    @Test("putDevices of a device named like a gateway account is refused whole")
    func putGatewayName() {
        var state = Fixtures.state()
        let (results, outcome) = state.send(
            .putDevices([Fixtures.device("d1"), Fixtures.device(Fixtures.gatewayName)]))
        #expect(results[0].error?.contains("not manage") == true)
        #expect(results[0].taken == [try! DeviceID(Fixtures.gatewayName)])
        #expect(outcome.changes.isEmpty)
        #expect(state.devices.count == 0)
        #expect(
            state.authenticate(username: Fixtures.gatewayName, password: Fixtures.gatewayPassword, clientID: "x")
                == .allow)
    }

    @Test("putDevices of a device named like one of the broker's other accounts is refused whole, naming them all")
    func putOtherAccountName() {
        var state = BrokerAccessState(
            gateways: GatewayAccounts([Fixtures.gatewayName: StoredCredential(password: Fixtures.gatewayPassword)]),
            otherAccounts: OtherAccountNames(["admin", "observer"]))
        let (results, outcome) = state.send(
            .putDevices([Fixtures.device("admin"), Fixtures.device("d1"), Fixtures.device("observer")]))
        #expect(results[0].taken == [try! DeviceID("admin"), try! DeviceID("observer")])
        #expect(results[0].error?.contains("admin") == true)
        #expect(outcome.changes.isEmpty && outcome.kicks.isEmpty)
        #expect(state.devices.count == 0)
    }

    @Test("an account named in the other accounts is never answered for, even if a device account of its name exists")
    func otherAccountsAreNotOurs() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("admin"), Fixtures.device("d1")]))
        #expect(state.authenticate(username: "admin", password: "admin-password", clientID: "admin") == .allow)
        // The operator adds `admin` to the broker's password_file and sends SIGHUP.
        state.replaceOtherAccounts(OtherAccountNames(fileContents: "admin:$7$101$c2FsdA==$aGFzaA==\n"))
        #expect(state.authenticate(username: "admin", password: "admin-password", clientID: "admin") == .notOurs)
        #expect(
            state.authorize(username: "admin", access: .subscribe, topic: "hookcast/v1/devices/admin/commands")
                == .notOurs)
        #expect(state.authenticate(username: "d1", password: "d1-password", clientID: "d1") == .allow)
        // A start-up leaves such accounts out of the tables.
        var restarted = BrokerAccessState(otherAccounts: OtherAccountNames(["admin"]))
        #expect(restarted.load(state.devices.accounts()) == 1)
        #expect(restarted.devices.count == 1)
    }

    @Test("setGroups changes groups without disconnecting and answers unknown ids in missing")
    func setGroups() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["a"])]))
        let (results, outcome) = state.send(
            .setGroups([
                BrokerDeviceGroups(id: try! DeviceID("d1"), groups: [try! GroupID("b")]),
                BrokerDeviceGroups(id: try! DeviceID("nobody"), groups: []),
            ]))
        #expect(results == [BrokerControlResult(command: "setGroups", missing: [try! DeviceID("nobody")])])
        #expect(outcome.kicks.isEmpty)
        #expect(outcome.changes == [.put(Fixtures.device("d1", groups: ["b"]))])
        #expect(state.devices.count == 1)
    }

    @Test("deleteDevices removes accounts, disconnects them, and ignores unknown ids")
    func delete() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1"), Fixtures.device("d2")]))
        let (results, outcome) = state.send(.deleteDevices([try! DeviceID("d1"), try! DeviceID("unknown")]))
        #expect(results == [BrokerControlResult(command: "deleteDevices", count: 1)])
        #expect(outcome.kicks == ["d1"])
        #expect(outcome.changes == [.delete(try! DeviceID("d1"))])
        #expect(state.sortedAccounts == [Fixtures.device("d2")])
        #expect(state.authenticate(username: "d1", password: "d1-password", clientID: "d1") == .notOurs)
    }

    @Test("removeGroup takes the group from every member and disconnects nobody")
    func removeGroup() {
        var state = Fixtures.state()
        _ = state.send(
            .putDevices([
                Fixtures.device("d1", groups: ["a", "b"]), Fixtures.device("d2", groups: ["a"]),
                Fixtures.device("d3", groups: ["b"]),
            ]))
        let (results, outcome) = state.send(.removeGroup(try! GroupID("a")))
        #expect(results == [BrokerControlResult(command: "removeGroup", count: 2)])
        #expect(outcome.kicks.isEmpty)
        #expect(Set(outcome.changes.map { "\($0)" }).count == 2)
        #expect(
            state.sortedAccounts == [
                Fixtures.device("d1", groups: ["b"]), Fixtures.device("d2"), Fixtures.device("d3", groups: ["b"]),
            ])
        #expect(state.send(.removeGroup(try! GroupID("never"))).results[0].count == 0)
    }

    @Test("digest answers the count and BrokerAccountDigest of the accounts")
    func digest() {
        var state = Fixtures.state()
        let accounts = [Fixtures.device("d1", groups: ["b", "a"]), Fixtures.device("d2")]
        let (results, _) = state.send(.putDevices(accounts), .digest)
        let expected = BrokerAccountDigest(accounts)
        var answer = BrokerControlResult(command: "digest", count: 2, digest: expected.hex)
        answer.topicPrefix = "hookcast/v1"
        #expect(results[1] == answer)
    }

    @Test("commands are answered in order, and a refused one does not stop the ones after it")
    func order() {
        var state = Fixtures.state()
        var bad = Fixtures.device("d1")
        bad.credential = "nope"
        let (results, _) = state.send(
            .putDevices([bad]), .putDevices([Fixtures.device("d2")]), .endSync(generation: 9), .digest)
        #expect(results.map(\.command) == ["putDevices", "putDevices", "endSync", "digest"])
        #expect(results[0].error != nil && results[1].error == nil && results[2].error != nil)
        #expect(results[3].count == 1)
    }
}
