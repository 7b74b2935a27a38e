import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// `BrokerControlReader`, the plugin's fast reader of control requests, against `JSONDecoder`: it reads every
/// request the gateway writes, and whenever it reads anything, the decoder reads the same.
@Suite("Control request fast reader")
struct ControlReaderTests {
    /// A random request of every kind, as the gateway builds them.
    static func request(using random: inout SeededRandom) -> BrokerControlRequest {
        func id(_ prefix: String) -> String {
            let characters = Array("abcXYZ019_-")
            let length = Int.random(in: 1...12, using: &random)
            return prefix + String((0..<length).map { _ in characters.randomElement(using: &random)! })
        }
        func groups() -> [GroupID] {
            (0..<Int.random(in: 0...3, using: &random)).map { _ in try! GroupID(id("g")) }
        }
        let commands = (0..<Int.random(in: 0...4, using: &random)).map { _ -> BrokerControlCommand in
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                .putDevices(
                    (0..<Int.random(in: 0...5, using: &random)).map { _ in
                        BrokerDeviceAccount(
                            id: try! DeviceID(id("d")), credential: Fixtures.credential(id("p")), groups: groups())
                    })
            case 1:
                .setGroups(
                    (0..<Int.random(in: 0...5, using: &random)).map { _ in
                        BrokerDeviceGroups(id: try! DeviceID(id("d")), groups: groups())
                    })
            case 2: .deleteDevices((0..<Int.random(in: 0...5, using: &random)).map { _ in try! DeviceID(id("d")) })
            case 3: .removeGroup(try! GroupID(id("g")))
            case 4: .beginSync(generation: UInt64.random(in: 0...UInt64.max, using: &random))
            case 5: .endSync(generation: UInt64.random(in: 0...9, using: &random))
            default: .digest
            }
        }
        return BrokerControlRequest(commands: commands)
    }

    @Test("reads every request the gateway's encoder writes, whatever the key order and spacing")
    func readsGatewayRequests() throws {
        var random = SeededRandom(seed: 16)
        let encoders = [JSONEncoder(), JSONEncoder(), JSONEncoder()]
        encoders[1].outputFormatting = [.sortedKeys]
        encoders[2].outputFormatting = [.prettyPrinted]
        for _ in 0..<2_000 {
            let request = Self.request(using: &random)
            for encoder in encoders {
                let data = try encoder.encode(request)
                #expect(BrokerControlReader.read(data) == request, "\(String(decoding: data, as: UTF8.self))")
            }
        }
    }

    @Test("leaves to the general decoder what is outside its subset", arguments: [
        // An escape, though JSON allows it: the decoder reads "d1".
        #"{"commands":[{"command":"deleteDevices","ids":["\u00641"]}]}"#,
        // A key the decoder ignores.
        #"{"commands":[{"command":"digest","note":"x"}]}"#,
        // A member of another command, which the decoder ignores too.
        #"{"commands":[{"command":"digest","ids":[]}]}"#,
        // A setGroups entry with a credential.
        #"{"commands":[{"command":"setGroups","devices":[{"id":"d1","credential":"x","groups":[]}]}]}"#,
        // A repeated key.
        #"{"commands":[{"command":"removeGroup","group":"g1","group":"g2"}]}"#,
        // Numbers the subset does not read.
        #"{"commands":[{"command":"endSync","generation":1.0}]}"#,
        #"{"commands":[{"command":"endSync","generation":01}]}"#,
        #"{"commands":[{"command":"endSync","generation":18446744073709551616}]}"#,
        // An invalid identifier, so the decoder words the error.
        #"{"commands":[{"command":"removeGroup","group":"a/b"}]}"#,
        #"{"commands":[{"command":"removeGroup","group":"é"}]}"#,
        // Not JSON at all, or something after it.
        #"{"commands":[{"command":"digest"}]} x"#, #"{"commands":[{"command":"digest"}]"#, "",
    ])
    func leavesTheRest(_ text: String) {
        #expect(BrokerControlReader.read(Data(text.utf8)) == nil)
    }

    /// Seeds in several spellings of the subset and outside it, then damaged as the fuzz test damages them.
    static let seeds: [String] = ControlFuzzTests.seeds + [
        " {\n \"commands\" : [ { \"generation\" : 7 , \"command\" : \"endSync\" } ] } ",
        #"{"commands":[{"devices":[{"groups":["g1"],"credential":"c","id":"d1"}],"command":"putDevices"}]}"#,
        #"{"commands":[{"command":"deleteDevices","ids":["\u00641"]}]}"#,
        #"{"commands":[]}"#,
    ]

    @Test("on 20,000 damaged requests, whatever it reads the decoder reads the same")
    func agreesWithTheDecoder() async throws {
        let seed = ProcessInfo.processInfo.environment["HOOKCAST_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        print("control-reader: seed \(seed)")
        var random = SeededRandom(seed: seed)
        var read = 0
        for iteration in 0..<20_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            let seedText = Self.seeds.randomElement(using: &random)!
            let body = Int.random(in: 0..<4, using: &random) == 0
                ? Array(seedText.utf8)
                : JSONFuzzMutation.mutate(
                    Array(seedText.utf8), seeds: Self.seeds, nestingPrefix: #"{"commands":"#, maximumDepth: 100,
                    using: &random)
            guard let fast = BrokerControlReader.read(Data(body)) else { continue }
            read += 1
            let general = try? UntrustedJSON.decode(BrokerControlRequest.self, from: Data(body))
            #expect(fast == general, "seed \(seed): \(String(decoding: body, as: UTF8.self))")
        }
        print("control-reader: read \(read) of 20,000")
        #expect(read > 1_000)
    }
}
