import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Tags in the plugin: a device hears exactly its own tags' topics")
struct TagAccessTests {
    private func allowed(_ state: BrokerAccessState, _ device: String, _ access: BrokerAccess, _ topic: String) -> Bool
    {
        state.authorize(username: device, access: access, topic: topic) == .allow
    }

    @Test("a device may subscribe to and receive its tags' command topics, and no other tag's")
    func ownTagsOnly() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"], tags: ["lobby", "Floor 2"])]))
        for access in [BrokerAccess.subscribe, .receive] {
            #expect(allowed(state, "d1", access, Topics.standard.tagCommands("lobby")))
            #expect(allowed(state, "d1", access, Topics.standard.tagCommands("Floor 2")))
            #expect(!allowed(state, "d1", access, Topics.standard.tagCommands("kitchen")))
            // The raw tag is not its level: "Floor 2" is only ever heard as Floor%202.
            #expect(!allowed(state, "d1", access, "hookcast/v1/tags/Floor 2/commands"))
            #expect(!allowed(state, "d1", access, "hookcast/v1/tags/+/commands"))
            #expect(!allowed(state, "d1", access, "hookcast/v1/tags/#"))
            // A group named like a tag is not the tag, nor the other way round.
            #expect(!allowed(state, "d1", access, "hookcast/v1/groups/lobby/commands"))
            #expect(!allowed(state, "d1", access, "hookcast/v1/tags/g1/commands"))
        }
        #expect(!allowed(state, "d1", .publish, Topics.standard.tagCommands("lobby")), "devices never send commands")
        #expect(
            state.authorize(username: Fixtures.gatewayName, access: .publish, topic: Topics.standard.tagCommands("x"))
                == .allow)
    }

    @Test("setGroups sets tags too, reads back as put, keeps the digest current and disconnects nobody")
    func setGroupsWithTags() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"], tags: ["lobby"])]))
        let levels = ["hall", "lobby"].map(DeviceTags.topicLevel)
        let (results, outcome) = state.send(
            .setGroups([BrokerDeviceGroups(id: try! DeviceID("d1"), groups: [try! GroupID("g2")], tags: levels)]))
        #expect(results.first?.error == nil)
        #expect(outcome.kicks.isEmpty)
        let expected = Fixtures.device("d1", groups: ["g2"], tags: ["hall", "lobby"])
        #expect(state.sortedAccounts == [expected])
        #expect(outcome.changes == [.put(expected)])
        #expect(state.digest == BrokerAccountDigest([expected]))
        #expect(allowed(state, "d1", .receive, Topics.standard.tagCommands("hall")))
        #expect(!allowed(state, "d1", .receive, Topics.standard.groupCommands(try! GroupID("g1"))))
    }

    @Test("removeGroup keeps the account's tags")
    func removeGroupKeepsTags() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1", "g2"], tags: ["lobby"])]))
        _ = state.send(.removeGroup(try! GroupID("g1")))
        #expect(state.sortedAccounts == [Fixtures.device("d1", groups: ["g2"], tags: ["lobby"])])
    }

    @Test("a tag that is not a percent-encoded level is refused whole, naming the device")
    func badLevelRefused() {
        var state = Fixtures.state()
        for bad in ["+", "#", "a/b", "Floor 2", "%zz", ""] {
            var account = Fixtures.device("d1")
            account.tags = [bad]
            let (results, outcome) = state.send(.putDevices([account]))
            #expect(results.first?.error?.contains("d1") == true)
            #expect(outcome.changes.isEmpty && state.devices.count == 0)
        }
    }

    @Test("an account without tags hashes as before tags, and its JSON leaves tags out")
    func compatibleWithoutTags() throws {
        let plain = Fixtures.device("d1", groups: ["g1"])
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("tags"))
        let tagged = Fixtures.device("d1", groups: ["g1"], tags: ["lobby"])
        #expect(BrokerAccountDigest.contribution(plain) != BrokerAccountDigest.contribution(tagged))
        let written = BrokerControlWriter.encode(BrokerControlRequest(commands: [.putDevices([tagged])]))
        #expect(BrokerControlReader.read(Data(written)) == BrokerControlRequest(commands: [.putDevices([tagged])]))
    }
}
