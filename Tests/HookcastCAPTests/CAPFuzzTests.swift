import Foundation
import HookcastCAP
import HookcastTestSupport
import Testing

/// A bounded randomized fuzz of the XML and CAP readers, as the webhook payloads and broker control requests are
/// fuzzed: seeded mutations of the specification examples. Any crash or hang ends the run; every case either reads
/// or is refused with a `CAPReadError` whose message stays short. The seed is printed (`HOOKCAST_FUZZ_SEED` repeats a
/// run, `HOOKCAST_FUZZ_RUNS` runs more).
@Suite("CAP reader fuzzing")
struct CAPFuzzTests {
    static let markup: [String] = [
        "<", "&", "]]>", ">", "</", "/>", "<![CDATA[", "<!--", "-->", "<?", "?>", "<!DOCTYPE a [<!ENTITY e 'x'>]>",
        "&amp;", "&#0;", "&#x10FFFF;", "&e;", "\"", "'", "=", "xmlns:p='u'", "p:", "\u{0}", "\u{FEFF}",
    ]

    static func mutate(_ input: [UInt8], seeds: [[UInt8]], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty:
                // Mostly within ASCII, so the damage reaches the markup and CAP checks, not only the UTF-8 check.
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= UInt8(1 << Int.random(in: 0..<(bytes[index] < 0x80 ? 7 : 8), using: &random))
            case 1 where !bytes.isEmpty:
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 2 where !bytes.isEmpty:
                // A stretch repeated: doubled elements, half-open tags, repeated attributes.
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...200, using: &random))
                bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &random))
            case 3:
                let piece = markup[Int.random(in: 0..<markup.count, using: &random)]
                bytes.insert(contentsOf: Array(piece.utf8), at: Int.random(in: 0...bytes.count, using: &random))
            case 4:
                let depth = Int.random(in: 1...100, using: &random)
                let index = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(
                    contentsOf: Array(String(repeating: "<info>", count: depth).utf8)
                        + Array(String(repeating: "</info>", count: depth).utf8), at: index)
            case 5 where bytes.count > 2:
                let cut = Int.random(in: 1..<bytes.count, using: &random)
                let other = seeds[Int.random(in: 0..<seeds.count, using: &random)]
                bytes = Array(bytes[..<cut]) + other[min(cut, other.count)...]
            case 6:
                bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            default:
                bytes.insert(
                    UInt8.random(in: 0...0x7F, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            }
        }
        return bytes
    }

    @Test("5,000 mutated alerts: no crash, each read or refused with a short CAPReadError, reads survive JSON")
    func reader() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["HOOKCAST_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        let runs = environment["HOOKCAST_FUZZ_RUNS"].flatMap(Int.init) ?? 5_000
        print("cap-fuzz: seed \(seed)")
        var random = SeededRandom(seed: seed)
        let seeds = try Fixture.capSpecificationExamples.map(Fixture.bytes)
        var read = 0
        var refused: [String: Int] = [:]
        for _ in 0..<runs {
            let body = Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)], seeds: seeds, using: &random)
            do {
                let alert = try CAPAlertReader.read(body)
                read += 1
                #expect(!alert.identifier.isEmpty && !alert.sender.isEmpty, "seed \(seed)")
                let decoded = try JSONDecoder().decode(CAPAlert.self, from: JSONEncoder().encode(alert))
                #expect(decoded == alert, "seed \(seed)")
            } catch let error as CAPReadError {
                refused[error.code, default: 0] += 1
                #expect(!error.message.isEmpty, "seed \(seed)")
                #expect(error.message.count <= 200, "seed \(seed): \(error.message)")
                #expect((error.kind == .invalid) == (error.element != nil) || error.kind == .notCAP, "seed \(seed)")
            }
            // Feeds go through the same readers: whatever the document, an answer and no crash.
            _ = try? CAPFeedReader.read(body)
        }
        print("cap-fuzz: \(read) read, refused \(refused.sorted { $0.key < $1.key })")
        #expect(read > 0)
        #expect(refused["cap_invalid", default: 0] > 0 && refused["xml_malformed", default: 0] > 0)
    }
}
