import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// A bounded randomized fuzz of webhook payload decoding: mutations of valid bodies (bit flips, truncation, byte
/// insertion, splicing, deep nesting) through the parser directly, then a sample through the gateway's router, in
/// process. Any crash ends the test run; any 5xx fails it. The seed is printed (`HOOKCAST_FUZZ_SEED` repeats a run).
@Suite("Payload fuzzing")
struct PayloadFuzzTests {
    static let seeds: [String] = [
        #"{"event_id":"refresh"}"#,
        #"{"event_id":"refresh","sensor_data":{"id":"s1","event":"open","value":{"t":21.5,"list":[1,2,3]}}}"#,
        #"{"event_id":"refresh","sensor_data":"{\"id\":\"s1\",\"event\":\"e\",\"value\":1}"}"#,
        #"{"event_id":12345,"sensor_data":null}"#,
    ]

    static func mutate(_ input: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        JSONFuzzMutation.mutate(
            input, seeds: seeds, nestingPrefix: #"{"event_id":"refresh","sensor_data":"#, maximumDepth: 5_000, using: &random)
    }

    @Test("10,000 mutated payloads through the parser and the Base64 decoder: no crash, every failure a 4xx")
    func parser() async throws {
        let seed =
            ProcessInfo.processInfo.environment["HOOKCAST_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        var random = SeededRandom(seed: seed)
        print("payload-fuzz: seed \(seed)")
        // Each input is written here before it is tried, so a crash leaves its input behind.
        let trace = ProcessInfo.processInfo.environment["HOOKCAST_FUZZ_TRACE"].map { URL(fileURLWithPath: $0) }
        // Debug builds parse slowly; HOOKCAST_FUZZ_RUNS runs more.
        let runs = ProcessInfo.processInfo.environment["HOOKCAST_FUZZ_RUNS"].flatMap(Int.init) ?? 10_000
        var accepted = 0
        var refused: [String: Int] = [:]
        let started = ContinuousClock.now
        for run in 0..<runs {
            // CPU-bound: let the other tests' servers have the cooperative threads now and then.
            if run % 500 == 0 { await Task.yield() }
            let seedBody = Array(Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &random)].utf8)
            let body = Self.mutate(seedBody, using: &random)
            if let trace { try Data(body).write(to: trace) }
            do {
                let request = try WebhookRequest.parse(json: Data(body), source: "body")
                if let sensor = request.sensorData { _ = try? SensorData.parse(sensor) }
                accepted += 1
            } catch {
                #expect((400..<500).contains(error.status.code))
                refused[error.code, default: 0] += 1
            }
            // The GET form's payload: the same bytes as Base64 text, mangled too.
            var text = Base64URL.encode(Data(body))
            if !text.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
                text.remove(at: text.index(text.startIndex, offsetBy: Int.random(in: 0..<text.count, using: &random)))
            }
            if let decoded = Base64URL.decode(text) { _ = try? WebhookRequest.parse(json: decoded, source: "payload") }
        }
        print(
            "payload-fuzz: seed \(seed), executions \(runs * 2), crashes 0, parsed \(accepted), refused \(refused), "
                + "\(ContinuousClock.now - started)")
        #expect(accepted > 0 && !refused.isEmpty, "the mutations reach both outcomes")
    }

    @Test("2,000 mutated bodies through the router: no 5xx, the gateway stays up")
    func overHTTP() async throws {
        var random = SeededRandom(seed: UInt64.random(in: 1...UInt64.max))
        // Made up front: the gateway's closure may not capture a mutable generator.
        let bodies = (0..<2_000).map { _ in
            Self.mutate(Array(Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &random)].utf8), using: &random)
        }
        // The rate limit is not under test here: the bodies must reach the parser.
        try await InProcessGateway.run(configure: {
            $0.webhookRateLimit = .init(perSecond: 1_000_000, burst: 1_000_000)
        }) {
            gateway in
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey().secret
            var statuses: [Int: Int] = [:]
            for body in bodies {
                let answer = try await HostileInputTests.post(gateway, key: key, body: body)
                let status = answer.status.code
                statuses[status, default: 0] += 1
                #expect((200..<500).contains(status) && status != 429, "\(answer.text.prefix(300))")
            }
            print("payload-fuzz over HTTP: executions 2000, statuses \(statuses.sorted { $0.key < $1.key })")
            #expect(try await gateway.request(.get, "/healthz").status == .ok)
        }
    }
}
