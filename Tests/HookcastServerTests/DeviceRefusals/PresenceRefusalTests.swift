import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Issue 22: a presence the gateway could not read used to vanish without a trace (`.ignored`): a device on an old
/// firmware without `agent_version`, or with a timestamp off the format, showed offline and nobody was told why.
/// Pure: the reader names the rule broken, for the counter's `reason` label.
@Suite struct PresenceRefusalTests {
    let reader = DeviceMessageReader(topics: testTopics)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static var good: [String: Any] {
        [
            "v": 1, "device_id": "d1", "status": "online", "agent_version": "fw-2.1",
            "since": "2026-11-29T09:59:58.000Z",
        ]
    }

    func read(_ object: [String: Any], device: String = "d1") throws -> DeviceMessageReader.Reading {
        reader.read(
            topic: "\(testTopics.root)/devices/\(device)/status",
            payload: Array(try JSONSerialization.data(withJSONObject: object)), receivedAt: now)
    }

    func without(_ key: String) -> [String: Any] {
        var object = Self.good
        object[key] = nil
        return object
    }

    func with(_ key: String, _ value: Any) -> [String: Any] {
        var object = Self.good
        object[key] = value
        return object
    }

    @Test("Each broken rule of a presence is refused with its own reason")
    func reasons() throws {
        let cases: [([String: Any], PresenceRefusal)] = [
            (without("agent_version"), .missingAgentVersion),
            (with("agent_version", 2), .missingAgentVersion),
            (with("since", "2026-11-29 09:59:58"), .badTimestamp),
            (with("since", "yesterday"), .badTimestamp),
            // No time zone: the formatter reads offsets and a missing fraction, but never guesses the zone.
            (with("since", "2026-11-29T09:59:58.000"), .badTimestamp),
            (without("since"), .badTimestamp),
            (without("v"), .badVersion),
            (with("v", "1"), .badVersion),
            (with("status", "busy"), .badStatus),
            (with("device_id", "not/an id"), .badDeviceID),
            (with("device_id", "d2"), .otherDevice),
        ]
        for (object, reason) in cases {
            #expect(try read(object) == .refusedPresence(reason, topicDevice: "d1"), "\(object)")
        }
        let topic = "\(testTopics.root)/devices/d1/status"
        #expect(
            reader.read(topic: topic, payload: Array("not json".utf8), receivedAt: now)
                == .refusedPresence(.malformed, topicDevice: "d1"))
        #expect(
            reader.read(topic: topic, payload: Array("[1]".utf8), receivedAt: now)
                == .refusedPresence(.malformed, topicDevice: "d1"))
        let padded =
            Array(try JSONSerialization.data(withJSONObject: Self.good))
            + Array(repeating: UInt8(ascii: " "), count: PresenceMessage.maximumSize)
        #expect(
            reader.read(topic: topic, payload: padded, receivedAt: now)
                == .refusedPresence(.tooLarge, topicDevice: "d1"))
    }

    @Test("A good presence is read; an empty one (a cleared retained message) is no refusal")
    func goodAndEmpty() throws {
        guard case .presence(let presence, let unreadable) = try read(Self.good) else {
            Issue.record("a good presence is read")
            return
        }
        #expect(presence.online && presence.agentVersion == "fw-2.1" && unreadable == nil)
        #expect(reader.read(topic: "\(testTopics.root)/devices/d1/status", payload: [], receivedAt: now) == .ignored)
    }

    @Test("A topic level that is no device id is refused, and shown in the log only as identifier characters")
    func badTopicDevice() throws {
        let level = "bad id\n" + String(repeating: "x", count: 100)
        #expect(
            reader.read(
                topic: "\(testTopics.root)/devices/\(level)/status",
                payload: Array(try JSONSerialization.data(withJSONObject: Self.good)), receivedAt: now)
                == .refusedPresence(.badDeviceID, topicDevice: "bad?id?" + String(repeating: "x", count: 57)))
    }

    @Test("A state of the wrong shape is dropped, the presence counts, and the field that failed is named")
    func unreadableState() throws {
        guard case .presence(let presence, let unreadable) = try read(with("state", ["toast": ["level": "loud"]]))
        else {
            Issue.record("the presence still counts")
            return
        }
        #expect(presence.state == nil && presence.online)
        #expect(unreadable == "state.toast.message", "the first missing field: \(unreadable ?? "nil")")
        guard case .presence(_, let typed) = try read(with("state", ["loop_paused": "yes"])) else {
            Issue.record("the presence still counts")
            return
        }
        #expect(typed == "state.loop_paused")
    }
}
