import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

@Suite("Running digest")
struct DigestTests {
    static func randomCommand(using random: inout SeededRandom) -> BrokerControlCommand {
        let ids = (0..<12).map { "d\($0)" }
        let groups = ["a", "b", "c", "d"]
        func someGroups() -> [String] {
            (0..<Int.random(in: 0...3, using: &random)).map { _ in groups.randomElement(using: &random)! }
        }
        func someIDs() -> [String] {
            (0..<Int.random(in: 1...4, using: &random)).map { _ in ids.randomElement(using: &random)! }
        }
        switch Int.random(in: 0..<7, using: &random) {
        case 0, 1:
            return .putDevices(
                someIDs().map {
                    Fixtures.device($0, password: ["p", "q"].randomElement(using: &random)!, groups: someGroups())
                })
        case 2:
            return .setGroups(
                someIDs().map {
                    BrokerDeviceGroups(id: try! DeviceID($0), groups: someGroups().map { try! GroupID($0) })
                })
        case 3: return .deleteDevices(someIDs().map { try! DeviceID($0) })
        case 4: return .removeGroup(try! GroupID(groups.randomElement(using: &random)!))
        case 5: return .beginSync(generation: UInt64.random(in: 1...3, using: &random))
        default: return .endSync(generation: UInt64.random(in: 1...3, using: &random))
        }
    }

    @Test("after any sequence of commands the digest equals BrokerAccountDigest of the accounts")
    func equalsRecomputed() {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("digest-sequence: seed \(seed)")
        var random = SeededRandom(seed: seed)
        for _ in 0..<200 {
            var state = Fixtures.state()
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                let commands = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    Self.randomCommand(using: &random)
                }
                let (results, _) = state.send(Fixtures.json(commands), from: Fixtures.gatewayName)
                #expect(results.count == commands.count)
                let recomputed = BrokerAccountDigest(state.devices.accounts())
                #expect(state.digest == recomputed, "seed \(seed)")
                if state.digest != recomputed { return }
            }
        }
    }

    @Test("journal changes replayed onto the starting accounts give the same accounts")
    func changesReplay() {
        var random = SeededRandom(seed: 42)
        var state = Fixtures.state()
        var replayed: [DeviceID: BrokerDeviceAccount] = [:]
        for _ in 0..<500 {
            let (_, outcome) = state.send(
                Fixtures.json([Self.randomCommand(using: &random)]), from: Fixtures.gatewayName)
            for change in outcome.changes {
                switch change {
                case .put(let account): replayed[account.id] = account
                case .delete(let id): replayed[id] = nil
                // These commands make no client account changes.
                case .putClient, .deleteClient: break
                }
            }
            #expect(replayed.values.sorted { $0.id < $1.id } == state.sortedAccounts)
        }
    }
}
