import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastDevice

@Suite("Incoming command messages are executed, answered or dropped by the protocol's rules")
struct CommandTriageTests {
    let now = Date()

    func decide(_ payload: [UInt8], correlation: [UInt8]? = nil, seen: SeenCommands = SeenCommands())
        -> CommandDecision
    {
        CommandTriage.decide(payload: payload, correlationData: correlation, seen: seen, now: now)
    }

    @Test("A valid, unexpired, unseen command is executed")
    func execute() throws {
        let envelope = try Fixtures.envelope(.refreshContent)
        #expect(decide(envelope.encoded()) == .execute(envelope))
    }

    @Test("A command seen before is answered with its original outcome")
    func duplicate() throws {
        let envelope = try Fixtures.envelope(.refreshContent)
        var seen = SeenCommands()
        seen.record(envelope.id, .failed("boom"))
        #expect(
            decide(envelope.encoded(), seen: seen)
                == .acknowledge(commandID: envelope.id, .failed("boom"), duplicate: true))
    }

    @Test("On a tag topic a command is run only by devices its tags select, and once by a device with several")
    func tagTopics() throws {
        let all = try TagSelection(tags: ["hall", "lobby"], match: .all)
        let envelope = try Fixtures.envelope(.refreshContent, target: .tag(all))
        let topic = testTopics.tagCommands("hall")
        func decide(tags: Set<String>, seen: SeenCommands = SeenCommands()) -> CommandDecision {
            CommandTriage.decide(
                payload: envelope.encoded(), correlationData: nil, seen: seen, now: now, topic: topic, tags: tags,
                topics: testTopics)
        }
        #expect(decide(tags: ["hall", "lobby"]) == .execute(envelope))
        guard case .ignore = decide(tags: ["hall"]) else {
            Issue.record("a device lacking one of the tags must ignore it, not answer")
            return
        }
        var seen = SeenCommands()
        seen.record(envelope.id, .ok)
        guard case .ignore = decide(tags: ["hall", "lobby"], seen: seen) else {
            Issue.record("the same command heard on a second tag's topic is not answered again")
            return
        }
        // On its own topic (a redelivery) the device answers a seen command again, whatever its tags.
        #expect(
            CommandTriage.decide(
                payload: envelope.encoded(), correlationData: nil, seen: seen, now: now,
                topic: testTopics.deviceCommands(try DeviceID("d1")), tags: [])
                == .acknowledge(commandID: envelope.id, .ok, duplicate: true))
    }

    @Test("An expired command is answered expired")
    func expired() throws {
        let envelope = try Fixtures.envelope(.refreshContent, expiresIn: -1)
        guard case .acknowledge(let id, let outcome, false) = decide(envelope.encoded()) else {
            Issue.record("expected an acknowledgement")
            return
        }
        #expect(id == envelope.id)
        #expect(outcome.status == .expired)
    }

    @Test("An unknown version or an invalid envelope is rejected when an id can be found, else dropped")
    func rejected() throws {
        let id = UUID()
        let lower = id.uuidString.lowercased()
        let version2 = decide(Array(#"{"v":2,"id":"\#(lower)"}"#.utf8))
        #expect(
            version2
                == .acknowledge(
                    commandID: id, .init(status: .rejected, detail: "unsupported envelope version 2"), duplicate: false)
        )
        guard case .acknowledge(_, let outcome, _) = decide(Array(#"{"v":1,"id":"\#(lower)","function":"fly"}"#.utf8))
        else {
            Issue.record("expected a rejection")
            return
        }
        #expect(outcome.status == .rejected)
        guard
            case .acknowledge(let fromCorrelation, _, _) = decide(
                Array("nonsense".utf8), correlation: Array(lower.utf8))
        else {
            Issue.record("expected a rejection found by correlation data")
            return
        }
        #expect(fromCorrelation == id)
        guard case .drop = decide(Array("nonsense".utf8)) else {
            Issue.record("expected a drop")
            return
        }
    }

    @Test("The seen list forgets the oldest commands beyond its capacity")
    func boundedSeenList() {
        var seen = SeenCommands(capacity: 3)
        let ids = (0..<5).map { _ in UUID() }
        for id in ids { seen.record(id, .ok) }
        #expect(seen.count == 3)
        #expect(seen.outcome(of: ids[1]) == nil)
        #expect(seen.entries.map(\.id) == Array(ids[2...]))
    }
}
