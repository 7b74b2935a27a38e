import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// A bounded randomized fuzz of the control parser, as the webhook payloads are fuzzed: random bytes and mutations
/// of valid requests (bit flips, truncation, insertions, splices, deep nesting, huge numbers). Any crash ends the
/// run; every answer must be a readable response; a refused request must leave the accounts as they were. The seed
/// is printed (`HOOKCAST_FUZZ_SEED` repeats a run, `HOOKCAST_FUZZ_RUNS` runs more).
@Suite("Control request fuzzing")
struct ControlFuzzTests {
    static let credential = Fixtures.credential("p")
    static let seeds: [String] = [
        #"{"commands":[{"command":"putDevices","devices":[{"id":"d1","credential":"\#(credential)","groups":["g1","g2"]}]}]}"#,
        #"{"commands":[{"command":"setGroups","devices":[{"id":"d1","groups":["g3"]},{"id":"zz","groups":[]}]}]}"#,
        #"{"commands":[{"command":"deleteDevices","ids":["d1","d2"]},{"command":"digest"}]}"#,
        #"{"commands":[{"command":"removeGroup","group":"g1"},{"command":"beginSync","generation":18446744073709551615}]}"#,
        #"{"commands":[{"command":"endSync","generation":3},{"command":"digest"}]}"#,
    ]

    static func mutate(_ input: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        JSONFuzzMutation.mutate(
            input, seeds: seeds, nestingPrefix: #"{"commands":"#, maximumDepth: 3_000, using: &random)
    }

    @Test("5,000 random and mutated requests: no crash, always an answer, refusals change nothing")
    func parser() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["HOOKCAST_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        let runs = environment["HOOKCAST_FUZZ_RUNS"].flatMap(Int.init) ?? 5_000
        print("control-fuzz: seed \(seed)")
        var random = SeededRandom(seed: seed)
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"]), Fixtures.device("d2")]))
        var applied = 0
        var refused = 0
        for _ in 0..<runs {
            let body = Self.mutate(Array(Self.seeds.randomElement(using: &random)!.utf8), using: &random)
            let before = state.sortedAccounts
            let digest = state.digest
            let outcome = state.handleControl(Data(body), from: Fixtures.gatewayName)
            let response = try JSONDecoder().decode(BrokerControlResponse.self, from: outcome.response)
            if response.results.first?.command == "request" {
                refused += 1
                #expect(response.results.count == 1 && response.results[0].error != nil)
                #expect(outcome.changes.isEmpty && outcome.kicks.isEmpty)
                #expect(state.sortedAccounts == before, "seed \(seed)")
                #expect(state.digest == digest, "seed \(seed)")
            } else {
                applied += 1
                #expect(state.digest == BrokerAccountDigest(state.devices.accounts()), "seed \(seed)")
            }
            // Keep some accounts around, so mutations of setGroups and deleteDevices meet existing ones.
            if state.devices.count == 0 {
                _ = state.send(.putDevices([Fixtures.device("d1", groups: ["g1"]), Fixtures.device("d2")]))
            }
        }
        print("control-fuzz: \(applied) applied, \(refused) refused")
        #expect(refused > 0 && applied > 0)
    }
}
