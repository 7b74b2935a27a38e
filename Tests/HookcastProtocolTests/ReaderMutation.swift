/// How the field-by-field readers' tests (`AcknowledgementReadingTests`, `PresenceReadingTests`) damage a payload
/// to compare them with `JSONDecoder`: one or two bytes removed, inserted or replaced, from JSON's punctuation,
/// digits and the letters timestamps and literals use.
enum ReaderMutation {
    private static let alphabet = Array(#"{}[]":,.-+eE0123456789 ZT/\tfnu"#.utf8) + [0x41, 0x7A]

    /// One of `payloads`, damaged; nil when the result meets a known difference between `JSONParser` and
    /// Foundation (`JSONParserTests`), which is not the readers' to repeat.
    static func mutated(_ payloads: [String], using generator: inout some RandomNumberGenerator) -> [UInt8]? {
        var bytes = Array(payloads.randomElement(using: &generator)!.utf8)
        for _ in 0..<Int.random(in: 1...2, using: &generator) {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes.remove(at: position)
            case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
            default: bytes[position] = alphabet.randomElement(using: &generator)!
            }
            if bytes.isEmpty { bytes = [0x7B] }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains(/(^|[^0-9.\-])0(\.[0-9]*)?[eE]/) ? nil : bytes
    }
}
