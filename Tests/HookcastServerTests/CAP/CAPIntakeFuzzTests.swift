import Foundation
import HookcastTestSupport
import Testing

/// Mutated CAP alerts through the gateway's router, in process: every answer a 200 or a 4xx with the error body,
/// never a 5xx, and an alert stored exactly for each one accepted as new. The seed is printed
/// (`HOOKCAST_FUZZ_SEED` repeats a run).
@Suite("CAP intake fuzzing")
struct CAPIntakeFuzzTests {
    /// XML's own hazards, spliced in at random places.
    static let splices = [
        "<", ">", "&", "&amp;", "&#0;", "&#x110000;", "]]>", "<![CDATA[", "<!DOCTYPE a>", "<?x?>",
        "</alert>", "<info>", "\u{0}", "\u{FFFE}", "xmlns=\"urn:x\"", "<!--", "-->", "\"", "'",
    ]

    static func mutate(_ input: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: bytes.removeSubrange(at...)
            case 2: bytes.remove(at: at)
            case 3:
                let splice = splices[Int.random(in: 0..<splices.count, using: &random)]
                bytes.insert(contentsOf: Array(splice.utf8), at: at)
            default:
                let end = min(bytes.count, at + Int.random(in: 1...64, using: &random))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
        }
        return bytes
    }

    @Test("1,000 mutated alerts: 200 or 4xx, never 5xx; an alert stored for each accepted as new")
    func mutatedAlerts() async throws {
        let seed =
            ProcessInfo.processInfo.environment["HOOKCAST_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        print("cap-fuzz: seed \(seed)")
        var random = SeededRandom(seed: seed)
        let originals = [
            CAPTestAlert(identifier: "F-1").xml,
            CAPTestAlert(identifier: "F-2", msgType: "Cancel", references: [CAPTestAlert(identifier: "F-1")]).xml,
            CAPTestAlert(identifier: "F-3", status: "Test", severity: "Minor", expires: Date().addingTimeInterval(600))
                .xml,
        ].map { Array($0.utf8) }
        let bodies = (0..<1_000).map { _ in
            Self.mutate(originals[Int.random(in: 0..<originals.count, using: &random)], using: &random)
        }
        try await InProcessGateway.runAndInspect(configure: {
            $0.webhookRateLimit = .init(perSecond: 1_000_000, burst: 1_000_000)
        }) { parts in
            let gateway = parts.client
            #expect(try await gateway.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
            let key = try await gateway.createKey().secret
            var statuses: [Int: Int] = [:]
            var acceptedAsNew = 0
            for body in bodies {
                let answer = try await gateway.postCAP(key: key, bytes: body)
                let status = answer.status.code
                statuses[status, default: 0] += 1
                #expect((200..<500).contains(status) && status != 429, "\(answer.text.prefix(300))")
                if status == 200 {
                    if answer["duplicate"] == .bool(false) { acceptedAsNew += 1 }
                } else {
                    #expect(answer.string("message") == "Error" && answer.string("error") != nil)
                }
            }
            let stored = try await parts.store.capAlerts.page(before: nil, limit: 500).count
            print("cap-fuzz: seed \(seed), executions 1000, statuses \(statuses.sorted { $0.key < $1.key })")
            #expect(stored == acceptedAsNew)
            #expect(statuses.keys.contains { $0 >= 400 }, "the mutations reach refusals")
            #expect(try await gateway.request(.get, "/healthz").status == .ok)
        }
    }
}
