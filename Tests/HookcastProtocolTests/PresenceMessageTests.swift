import Foundation
import Testing

@testable import HookcastProtocol

@Suite("Presence messages carry an optional reported state, read leniently and within bounds")
struct PresenceMessageTests {
    static let device = "lobby-1"
    static let head = #"{"agent_version":"0.1.0","device_id":"lobby-1","since":"2026-11-29T09:59:58.000Z","#

    static func decode(_ text: String) throws -> PresenceMessage {
        try PresenceMessage.decode(Array(text.utf8))
    }

    /// A presence whose `state` is `state` (raw JSON).
    static func withState(_ state: String) -> String {
        head + #""state":\#(state),"status":"online","v":1}"#
    }

    @Test("A presence with state encodes every state key, sorted, absent values as null, and decodes back")
    func encodesWithState() throws {
        let state = ReportedDeviceState(
            currentURL: "https://example.com/menu", emergency: .init(active: true, message: "Leave"),
            loopPaused: true, pausedLoopID: nil, lastCommandAt: referenceDate, commandsExecuted: 3)
        let message = PresenceMessage(
            deviceID: try deviceID(Self.device), status: .online, agentVersion: "0.1.0", since: referenceDate,
            state: state)
        let text = String(decoding: message.encoded(), as: UTF8.self)
        #expect(
            text == #"{"agent_version":"0.1.0","device_id":"lobby-1","since":"2025-01-04T14:13:20.123Z","#
                + #""state":{"commands_executed":3,"current_url":"https://example.com/menu","#
                + #""emergency":{"active":true,"message":"Leave"},"last_command_at":"2025-01-04T14:13:20.123Z","#
                + #""loop_paused":true,"paused_loop_id":null,"snoozed":null,"toast":null},"status":"online","v":1}"#)
        #expect(try PresenceMessage.decode(message.encoded()) == message)
    }

    @Test("A toast and a snooze are reported with their times, and decode back")
    func toastAndSnooze() throws {
        let state = ReportedDeviceState(
            toast: .init(message: "Lunch", level: .warning, until: referenceDate),
            snoozed: .init(since: referenceDate, until: nil))
        let message = PresenceMessage(
            deviceID: try deviceID(Self.device), status: .online, since: referenceDate, state: state)
        let text = String(decoding: message.encoded(), as: UTF8.self)
        #expect(text.contains(#""snoozed":{"since":"2025-01-04T14:13:20.123Z","until":null}"#), "\(text)")
        #expect(text.contains(#""toast":{"level":"warning","message":"Lunch","until":"2025-01-04T14:13:20.123Z"}"#))
        #expect(try PresenceMessage.decode(message.encoded()) == message)
        let timed = try Self.decode(
            Self.withState(#"{"snoozed":{"since":"2026-12-06T10:00:00.000Z","until":"2026-12-06T11:00:00.000Z"}}"#))
        #expect(timed.state?.snoozed?.until == JSONCoding.date(fromTimestamp: "2026-12-06T11:00:00.000Z"))
    }

    @Test("A presence without state (an older device, the Last Will) has no state key and decodes as before")
    func withoutState() throws {
        let message = PresenceMessage(deviceID: try deviceID(Self.device), status: .offline, since: referenceDate)
        #expect(!String(decoding: message.encoded(), as: UTF8.self).contains("state"))
        let old = try Self.decode(Self.head + #""status":"online","v":1}"#)
        #expect(old.state == nil)
        #expect(old.status == .online)
        #expect(try Self.decode(Self.withState("null")).state == nil)
    }

    @Test("Unknown keys are ignored and missing keys take their defaults")
    func lenient() throws {
        let message = try Self.decode(
            Self.withState(#"{"current_url":"https://example.com/a","brightness":80,"extra":{"deep":[1,2]}}"#)
                .replacingOccurrences(of: #""v":1}"#, with: #""v":1,"future":true}"#))
        #expect(message.state == ReportedDeviceState(currentURL: "https://example.com/a"))
        #expect(try Self.decode(Self.withState("{}")).state == ReportedDeviceState())
    }

    @Test(
        "A hostile or broken state is dropped and the presence still counts",
        arguments: [
            #"{"current_url":"\#(String(repeating: "a", count: ReportedDeviceState.maxURLLength + 1))"}"#,
            #"{"emergency":{"active":true,"message":"\#(String(repeating: "m", count: 501))"}}"#,
            #"{"paused_loop_id":"\#(String(repeating: "l", count: 129))"}"#,
            #"{"commands_executed":-1}"#,
            #"{"commands_executed":1e30}"#,
            #"{"loop_paused":"yes"}"#,
            #"{"last_command_at":"yesterday"}"#,
            #"{"emergency":true}"#,
            #"{"toast":{"message":"\#(String(repeating: "m", count: 501))","level":"info","until":"2026-12-06T10:00:00.000Z"}}"#,
            #"{"toast":{"message":"m","level":"loud","until":"2026-12-06T10:00:00.000Z"}}"#,
            #"{"toast":{"level":"info","until":"2026-12-06T10:00:00.000Z"}}"#,
            #"{"toast":{"message":"m","level":"info"}}"#,
            #"{"snoozed":{"since":"now"}}"#,
            #"{"snoozed":{"until":null}}"#,
            #"{"snoozed":true}"#,
            #""a string""#,
            #"[1,2,3]"#,
        ])
    func hostileStateDropped(state: String) throws {
        let message = try Self.decode(Self.withState(state))
        #expect(message.state == nil)
        #expect(message.status == .online)
        #expect(message.deviceID == (try deviceID(Self.device)))
    }

    @Test("A state at its bounds is kept")
    func atBounds() throws {
        let url = "https://example.com/" + String(repeating: "u", count: ReportedDeviceState.maxURLLength - 20)
        let message = try Self.decode(
            Self.withState(
                #"{"current_url":"\#(url)","emergency":{"active":true,"message":"\#(String(repeating: "é", count: 500))"}}"#
            ))
        #expect(message.state?.currentURL == url)
        #expect(message.state?.emergency.message?.count == 500)
    }

    @Test("A payload over 16 KiB is refused unread, however it is padded")
    func oversized() throws {
        let padding = String(repeating: "x", count: PresenceMessage.maximumSize)
        #expect(throws: (any Error).self) {
            try Self.decode(Self.head + #""padding":"\#(padding)","status":"online","v":1}"#)
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: (any Error).self) { try Self.decode(Self.withState(deep)) }
    }
}
