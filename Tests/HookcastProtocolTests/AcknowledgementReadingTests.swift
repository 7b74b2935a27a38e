import Foundation
import Testing

@testable import HookcastProtocol

/// `Acknowledgement.decode` reads payloads with `JSONParser` field by field; it must accept, refuse and read them
/// as `init(from:)` through `JSONDecoder` does, and so must the timestamp reading it uses.
@Suite struct AcknowledgementReadingTests {
    enum Outcome: Equatable {
        case read(Acknowledgement)
        case detailTooLarge
        case refused
    }

    static func outcome(_ read: () throws -> Acknowledgement) -> Outcome {
        do {
            return .read(try read())
        } catch Acknowledgement.TooLarge.detail {
            return .detailTooLarge
        } catch {
            return .refused
        }
    }

    static func compare(_ bytes: [UInt8]) -> (parsed: Outcome, decoded: Outcome) {
        (
            outcome { try Acknowledgement.decode(bytes) },
            outcome { try UntrustedJSON.decode(Acknowledgement.self, from: Data(bytes)) }
        )
    }

    static let payloads: [String] = [
        #"{"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","executed_at":"2025-01-04T14:13:20.123Z","status":"ok","v":1}"#,
        #"{"command_id":"0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D","detail":"hook exited 3","device_id":"lobby-2","executed_at":"2024-02-29T23:59:59.999Z","status":"failed","v":1}"#,
        #"{"v":2,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"expired","detail":null,"executed_at":"2025-01-04T14:13:20Z","extra":[1,{"x":true}]}"#,
        #"{"v":1.0,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"rejected","executed_at":"2025-01-04T14:13:20.1Z"}"#,
        #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d 1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"command_id":"not-a-uuid","device_id":"d1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","detail":5,"executed_at":"x"}"#,
        #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","executed_at":"2025-02-30T14:13:20.123Z"}"#,
        #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","executed_at":"2025-01-04T24:00:00.000Z"}"#,
        #"{"\u0076":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_\u0069d":"d1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":1,"v":"one","command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"failed","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"}"#,
        #"{"v":"1","command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"}"#,
        #"  {"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"} "#,
        #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","executed_at":"2025-01-04T14:13:20.123Z"} []"#,
        "[]", "{}", "null", "\"text\"", "7",
    ]

    @Test func payloadsAreReadAsTheDecoderReadsThem() {
        for payload in Self.payloads {
            let (parsed, decoded) = Self.compare(Array(payload.utf8))
            #expect(parsed == decoded, "\(payload)")
        }
        let long = String(repeating: "é", count: Acknowledgement.maximumDetailSize)
        let tooLong =
            #"{"v":1,"command_id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","device_id":"d1","status":"ok","detail":"\#(long)","executed_at":"nope"}"#
        #expect(Self.compare(Array(tooLong.utf8)) == (.detailTooLarge, .detailTooLarge))
    }

    @Test func mutatedPayloadsAreReadAsTheDecoderReadsThem() async {
        var generator = SystemRandomNumberGenerator()
        for iteration in 0..<10_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            guard let bytes = ReaderMutation.mutated(Self.payloads, using: &generator) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let (parsed, decoded) = Self.compare(bytes)
            // Foundation checks a number only when something reads it, so a malformed number in a field nobody
            // reads (`"extra":[1.]`) passed; the reader refuses anything that is not JSON.
            if parsed == .refused, case .read = decoded, (try? JSONParser.parse(Data(bytes))) == nil { continue }
            #expect(parsed == decoded, "\(text)")
        }
    }

    @Test func timestampsAreReadAsTheFormatterReadsThem() async {
        var generator = SystemRandomNumberGenerator()
        // Every field anywhere in two digits (so also a 30 February, an hour 24, a second 60), years 1583–9999.
        for iteration in 0..<20_000 {
            // A turn for the tests running beside it: the concurrency pool has as many threads as cores.
            if iteration % 100 == 0 { await Task.yield() }
            func digits(_ range: ClosedRange<Int>, _ width: Int) -> String {
                let text = String(Int.random(in: range, using: &generator))
                return String(repeating: "0", count: width - text.count) + text
            }
            let text =
                "\(digits(1583...9999, 4))-\(digits(0...13, 2))-\(digits(0...32, 2))T\(digits(0...25, 2)):"
                + "\(digits(0...60, 2)):\(digits(0...61, 2)).\(digits(0...999, 3))Z"
            #expect(JSONCoding.date(fromTimestamp: text) == JSONCoding.parsedTimestamp(text), "\(text)")
        }
        for milliseconds in (0..<5_000).map({ _ in Int64.random(in: -11_644_473_600_000...13_569_465_600_000) }) {
            let text = JSONCoding.timestamp(Date(millisecondsSince1970: milliseconds))
            #expect(JSONCoding.canonicalMilliseconds(text) == milliseconds, "\(text)")
            #expect(JSONCoding.date(fromTimestamp: text) == JSONCoding.parsedTimestamp(text), "\(text)")
        }
    }
}
