import Foundation
import Testing

@testable import HookcastProtocol

/// `[DeviceID](writtenList:)` reads what `jsonBytes` writes, and whatever it reads `JSONDecoder` reads the same.
@Suite struct DeviceIDListTests {
    @Test func listsAsTheStoreWritesThemAreRead() throws {
        for count in [0, 1, 2, 10_000] {
            let devices = try (0..<count).map { try DeviceID("d-\($0)_x") }
            #expect([DeviceID](writtenList: String(decoding: devices.jsonBytes, as: UTF8.self)) == devices)
        }
    }

    @Test func otherSpellingsAreLeftToTheDecoder() {
        for text in [
            #"[ "a"]"#, #"["a" ]"#, #"["a", "b"]"#, #"["\u0061"]"#, #"["a\"b"]"#, #"["a b"]"#, #"[""]"#, #"["a",]"#,
            #"["a""b"]"#, #"["a"]x"#, #"x["a"]"#, #"[1]"#, #"[["a"]]"#, #"["a"#, "[", "]", "", "null", #"{"a":1}"#,
            #"["é"]"#, "[\"\u{1}\"]",
        ] {
            #expect([DeviceID](writtenList: text) == nil, "\(text)")
        }
    }

    @Test func whateverItReadsTheDecoderReadsTheSame() async throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"[]",\ abz-_09é"#.utf8)
        let seed = Array(
            String(decoding: try ["a", "b-2", "c_3"].map { try DeviceID($0) }.jsonBytes, as: UTF8.self).utf8)
        for iteration in 0..<20_000 {
            if iteration % 100 == 0 { await Task.yield() }
            var bytes = seed
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: bytes[position] = alphabet.randomElement(using: &generator)!
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "[")] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let read = [DeviceID](writtenList: text) else { continue }
            #expect((try? JSONDecoder().decode([DeviceID].self, from: Data(bytes))) == read, "\(text)")
        }
    }
}
