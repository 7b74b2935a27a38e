import Foundation
import Testing

@testable import HookcastDevice

@Suite struct RecentCommandsTests {
    @Test("Remembers the last commands up to its capacity, the oldest making room, an update in place")
    func ringOfTheLatest() {
        var recent = RecentCommands(capacity: 3)
        let ids = (0..<5).map { _ in UUID() }
        for id in ids.prefix(3) { recent.record(id, .ok) }
        #expect(recent.count == 3)
        #expect(ids.prefix(3).allSatisfy { recent.outcome(of: $0) == .ok })
        // Updating a remembered command moves nothing.
        let failed = CommandOutcome(status: .failed, detail: "hook exited 1")
        recent.record(ids[0], failed)
        #expect(recent.outcome(of: ids[0]) == failed)
        #expect(recent.count == 3)
        // Two new ones push out the two oldest (ids[0], ids[1]).
        recent.record(ids[3], .ok)
        recent.record(ids[4], .ok)
        #expect(recent.outcome(of: ids[0]) == nil)
        #expect(recent.outcome(of: ids[1]) == nil)
        #expect([ids[2], ids[3], ids[4]].allSatisfy { recent.outcome(of: $0) == .ok })
        #expect(recent.count == 3)
    }

    @Test("Triage answers a command it remembers as a duplicate, with the remembered outcome")
    func triageReadsIt() throws {
        var recent = RecentCommands(capacity: 16)
        let id = UUID()
        let outcome = CommandOutcome(status: .rejected, detail: "unsupported envelope version 2")
        recent.record(id, outcome)
        let payload = Array(#"{"v":2,"id":"\#(id.lowercasedString)"}"#.utf8)
        let decision = CommandTriage.decide(payload: payload, correlationData: nil, seen: recent, now: Date())
        #expect(decision == .acknowledge(commandID: id, outcome, duplicate: true))
    }
}
