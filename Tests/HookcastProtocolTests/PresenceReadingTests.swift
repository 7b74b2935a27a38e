import Foundation
import Testing

@testable import HookcastProtocol

/// `PresenceMessage.decode` reads a presence without a state field by field; it must accept and read payloads as
/// `init(from:)` through `JSONDecoder` does (what it does not accept goes through `init(from:)` anyway).
@Suite struct PresenceReadingTests {
    enum Outcome: Equatable {
        case read(PresenceMessage)
        case refused
    }

    static func compare(_ bytes: [UInt8]) -> (read: Outcome, decoded: Outcome) {
        func outcome(_ read: () throws -> PresenceMessage) -> Outcome {
            (try? read()).map(Outcome.read) ?? .refused
        }
        return (
            outcome { try PresenceMessage.decode(bytes) },
            outcome { try UntrustedJSON.decode(PresenceMessage.self, from: Data(bytes)) }
        )
    }

    static let payloads: [String] = [
        #"{"agent_version":"0.1.0","device_id":"lobby-1","since":"2026-11-29T09:59:58.000Z","status":"online","v":1}"#,
        #"{"v":1,"device_id":"d1","status":"offline","agent_version":"","since":"2024-02-29T23:59:59.999Z","state":null}"#,
        #"{"v":2,"device_id":"d1","status":"online","agent_version":"9","since":"2025-01-04T14:13:20Z","extra":[1,{"x":true}]}"#,
        #"{"v":1.0,"device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.1Z"}"#,
        #"{"v":1,"device_id":"d 1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"device_id":"d1","status":"away","agent_version":"1","since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"device_id":"d1","status":"online","agent_version":1,"since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"device_id":"d1","status":"online","agent_version":"1","since":"2025-02-30T14:13:20.123Z"}"#,
        #"{"v":1,"device_id":"d1","status":"online","since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z","state":{"brightness":80}}"#,
        #"{"v":1,"device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z","state":5}"#,
        #"{"\u0076":1,"device_\u0069d":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"v":"one","device_id":"d1","status":"offline","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":"1","device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"}"#,
        #"  {"v":1,"device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"} "#,
        #"{"v":1,"device_id":"d1","status":"online","agent_version":"1","since":"2025-01-04T14:13:20.123Z"} []"#,
        "[]", "{}", "null", "\"text\"", "7",
    ]

    @Test func payloadsAreReadAsTheDecoderReadsThem() {
        for payload in Self.payloads {
            let (read, decoded) = Self.compare(Array(payload.utf8))
            #expect(read == decoded, "\(payload)")
        }
        #expect(Self.compare(Array(Self.payloads[0].utf8)).read != .refused)
    }

    @Test func mutatedPayloadsAreReadAsTheDecoderReadsThem() async {
        var generator = SystemRandomNumberGenerator()
        for iteration in 0..<10_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            guard let bytes = ReaderMutation.mutated(Self.payloads, using: &generator) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let (read, decoded) = Self.compare(bytes)
            #expect(read == decoded, "\(text)")
        }
    }
}
