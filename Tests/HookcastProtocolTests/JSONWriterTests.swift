import Foundation
import Testing

@testable import HookcastProtocol

/// `JSONWriter` must write exactly the bytes `JSONCoding.encoder()` writes for the same value: the envelope's bytes
/// are compared by devices and tests, and stored columns are read back by the decoder.
@Suite struct JSONWriterTests {
    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONCoding.encoder().encode(value))
    }

    /// Every ASCII character alone and among others, and UTF-8 of every length, including separators JavaScript
    /// treats as line ends.
    static let strings: [String] =
        (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        + [
            "", "plain", "a/b", "quote \" and \\ backslash", "tab\tnew\nline\r", "é", "日本語", "😀 emoji",
            "\u{2028}\u{2029}", "\u{7F}\u{80}", "mixed \u{1} \u{1F} ü \" / end",
        ]

    @Test func stringsAreEscapedAsFoundationEscapesThem() throws {
        for string in Self.strings {
            var writer = JSONWriter()
            writer.string(string)
            #expect(writer.bytes == (try Self.encoded(string)), "\(string.debugDescription)")
        }
    }

    @Test func targetsParametersAndDeviceLists() throws {
        for target in [ActionTarget.device(try DeviceID("d-1")), .group(try GroupID("lobby")), .all] {
            #expect(target.jsonBytes == (try Self.encoded(target)))
        }
        let values = ["https://example.com/a?b=c&d=\"e\"", "x\u{1}y", "é"]
        for mask in 0..<32 {
            var parameters = ActionParameters()
            if mask & 1 != 0 { parameters.url = values[0] }
            if mask & 2 != 0 { parameters.state = mask & 8 != 0 ? .on : .off }
            if mask & 4 != 0 { parameters.message = values[1] }
            if mask & 8 != 0 { parameters.datasourceID = values[2] }
            if mask & 16 != 0 { parameters.loopID = "loop" }
            #expect(parameters.jsonBytes == (try Self.encoded(parameters)), "mask \(mask)")
        }
        for level in ToastLevel.allCases {
            let toast = ActionParameters(message: values[1], durationSeconds: 86_400, level: level)
            #expect(toast.jsonBytes == (try Self.encoded(toast)), "\(level)")
        }
        let snooze = ActionParameters(durationSeconds: 1, until: "2026-12-06T18:00:00.000Z")
        #expect(snooze.jsonBytes == (try Self.encoded(snooze)))
        let cancel = ActionParameters(commandID: "019aef3c-1e0a-7c3d-8b1a-2f4e5d6c7b8a")
        #expect(cancel.jsonBytes == (try Self.encoded(cancel)))
        let devices = try ["a", "b-2", "c_3"].map { try DeviceID($0) }
        #expect(devices.jsonBytes == (try Self.encoded(devices)))
        #expect([DeviceID]().jsonBytes == (try Self.encoded([DeviceID]())))
    }

    @Test func deviceConfigs() throws {
        let device = try DeviceID("lobby-1")
        let groups = try ["a", "b-2", "lobby"].map { try GroupID($0) }
        for (groupCount, tags) in [(0, []), (1, ["hall"]), (3, Self.strings)] {
            let config = DeviceConfigMessage(deviceID: device, groups: Array(groups.prefix(groupCount)), tags: tags)
            #expect(config.encoded() == (try Self.encoded(config)), "\(groupCount) groups, \(tags.count) tags")
        }
    }

    @Test func sensorDataOfEveryKindOfValue() throws {
        let values: [JSONValue] = [
            .null, .bool(true), .bool(false), .string("21.5 \"C\""), .number(21.5), .number(3), .number(-1e300),
            .array([.number(1), .string("x"), .null]), .object(["b": .number(2), "a": .object(["z": .bool(true)])]),
        ]
        for value in values {
            let sensor = SensorData(id: "s-1", event: "temp", value: value)
            #expect(sensor.jsonBytes == (try Self.encoded(sensor)), "\(value)")
        }
    }

    @Test func numbersAreSpelledAsFoundationSpellsThem() throws {
        var generator = SystemRandomNumberGenerator()
        var numbers: [Double] = [
            0, -0.0, 1, -1, 0.1, 21.5, 1e15, 1e16, 1e17, 123_456_789_012_345_678, 1e-7, 5e-324,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 2.5e-5, 1 / 3,
        ]
        numbers += (0..<2_000).map { _ in Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)) }
            .filter(\.isFinite)
        numbers += (0..<2_000).map { _ in Double(Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator)) }
        for number in numbers {
            var writer = JSONWriter()
            writer.number(number)
            #expect(writer.bytes == (try Self.encoded(number)), "\(number)")
        }
    }

    @Test(arguments: ActionFunction.allCases)
    func envelopesOfEveryFunction(function: ActionFunction) throws {
        let issued = Date(timeIntervalSince1970: 1_736_000_000.123)
        for sensor in [nil, SensorData(id: "7", event: "door", value: .string("open"))] {
            let envelope = CommandEnvelope(
                id: UUID.random(), function: function,
                params: ActionParameters(url: "https://example.com/x", message: "Evacuate \"now\""),
                eventID: try EventID("door-open"), target: .group(try GroupID("floor-2")), issuedAt: issued,
                expiresAt: issued.addingTimeInterval(300), sensorData: sensor)
            #expect(envelope.encoded() == (try Self.encoded(envelope)))
        }
    }

    @Test func timestampsMatchTheFormatterOverCenturies() {
        var generator = SystemRandomNumberGenerator()
        // 1601 to 2400 at random, plus days where calendars go wrong: leap days, year ends, the epoch, before it.
        var milliseconds: [Int64] = (0..<20_000).map { _ in
            Int64.random(in: -11_644_473_600_000...13_569_465_600_000, using: &generator)
        }
        milliseconds += [
            0, -1, 1, 999, -999, -1000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000,
            1_709_164_800_000, 946_684_799_999, -62_135_596_800_000, 253_402_300_799_999,
        ]
        for value in milliseconds {
            let date = Date(millisecondsSince1970: value)
            #expect(JSONCoding.timestamp(date) == JSONCoding.formattedTimestamp(date), "\(value)")
        }
    }

    @Test func nestingPutsCommasOnlyBetweenElements() {
        var writer = JSONWriter()
        writer.openObject()
        writer.key("a")
        writer.openArray()
        writer.int(1)
        writer.openObject()
        writer.closeObject()
        writer.openArray()
        writer.closeArray()
        writer.null()
        writer.closeArray()
        writer.key("b")
        writer.bool(false)
        writer.closeObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,{},[],null],"b":false}"#)
    }
}
