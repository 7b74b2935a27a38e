/// How the parsers' fuzz tests (the webhook payload, the broker plugin's control requests) damage a JSON
/// document: one to four of a flipped bit, a cut tail, an inserted byte or piece of JSON punctuation, nesting
/// `1...maximumDepth` deep under `nestingPrefix`, a splice with another seed, random bytes, or another seed whole.
public enum JSONFuzzMutation {
    public static func mutate(
        _ input: [UInt8], seeds: [String], nestingPrefix: String, maximumDepth: Int,
        using random: inout SeededRandom
    ) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty:
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1 where !bytes.isEmpty:
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 2:
                let index = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            case 3:
                let special = Array(#"{}[]":,\0-9e"#.utf8) + [0x00, 0xFF, 0xC3, 0x80]
                let index = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(special[Int.random(in: 0..<special.count, using: &random)], at: index)
            case 4:
                let depth = Int.random(in: 1...maximumDepth, using: &random)
                bytes =
                    Array(nestingPrefix.utf8) + Array(repeating: UInt8(ascii: "["), count: depth)
                    + Array(repeating: UInt8(ascii: "]"), count: depth) + [UInt8(ascii: "}")]
            case 5 where bytes.count > 2:
                let cut = Int.random(in: 1..<bytes.count, using: &random)
                let other = Array(seeds[Int.random(in: 0..<seeds.count, using: &random)].utf8)
                bytes = Array(bytes[..<cut]) + other[min(cut, other.count)...]
            case 6:
                bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            default:
                bytes = Array(seeds[Int.random(in: 0..<seeds.count, using: &random)].utf8)
            }
        }
        return bytes
    }
}
