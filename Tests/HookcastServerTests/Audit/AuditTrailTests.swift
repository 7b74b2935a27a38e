import Foundation
import HookcastCore
import Logging
import Testing

@testable import HookcastServer

/// `AuditTrail` and `AuditTally` without HTTP: which webhook calls get an entry of their own and which are folded.
@Suite("What the audit trail writes for a flood of calls")
struct AuditTrailTests {
    static let minuteStart = Date(timeIntervalSince1970: 1_736_000_040)

    static func call(
        _ actor: AuditActor, at seconds: Double, status: Int, error: String? = nil, address: String = "192.0.2.1"
    ) -> AuditEntry {
        AuditEntry(
            at: minuteStart.addingTimeInterval(seconds), kind: .trigger, actor: actor, remoteAddress: address,
            status: status, errorCode: error)
    }

    static let key = AuditActor(type: .apiKey, id: "k1", name: "hub")

    @Test("Calls naming no valid key are summed per minute and error code, with at most five addresses")
    func unidentifiedAreSummed() {
        var tally = AuditTally(refusalBudget: 3)
        for index in 0..<40 {
            let entry = Self.call(
                .unidentified, at: Double(index), status: 401,
                error: index < 30 ? "invalid_api_key" : "missing_api_key",
                address: "192.0.2.\(index % 8)")
            #expect(tally.admit(entry) == nil)
        }
        #expect(tally.admit(Self.call(.unidentified, at: 61, status: 401, error: "invalid_api_key")) == nil)
        #expect(tally.takeSums(before: Self.minuteStart.addingTimeInterval(59)).isEmpty, "the minute has not ended")
        let sums = tally.takeSums(before: Self.minuteStart.addingTimeInterval(60))
        #expect(sums.map(\.count) == [30, 10])
        #expect(sums.map(\.errorCode) == ["invalid_api_key", "missing_api_key"])
        #expect(sums.allSatisfy { $0.actor == .unidentified && $0.status == 401 })
        #expect(sums[0].remoteAddress == "192.0.2.0, 192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4, …")
        #expect(tally.takeSums(before: nil).map(\.count) == [1], "the next minute's call is still there")
        #expect(tally.takeSums(before: nil).isEmpty)
    }

    @Test("A key's accepted calls always get an entry; its refusals do up to the budget, then are summed")
    func refusalsPastTheBudgetAreSummed() {
        var tally = AuditTally(refusalBudget: 3)
        let admitted = (0..<10).compactMap {
            tally.admit(Self.call(Self.key, at: Double($0), status: 429, error: "rate_limited"))
        }
        #expect(admitted.count == 3)
        for second in 0..<5 { #expect(tally.admit(Self.call(Self.key, at: Double(second), status: 200)) != nil) }
        let other = AuditActor(type: .apiKey, id: "k2", name: "other")
        #expect(tally.admit(Self.call(other, at: 1, status: 403, error: "key_expired")) != nil, "a budget per key")
        // A new minute, a new budget.
        #expect(tally.admit(Self.call(Self.key, at: 60, status: 429, error: "rate_limited")) != nil)
        let sums = tally.takeSums(before: nil)
        #expect(sums.count == 1)
        #expect(sums.first?.count == 7)
        #expect(sums.first?.actor == Self.key)
        #expect(sums.first?.errorCode == "rate_limited")
    }

    @Test("The trail writes admitted calls in the background and the sums when asked; a flood adds one row")
    func trailWritesBatchesAndSums() async throws {
        let store = InMemoryStore()
        let trail = AuditTrail(
            repository: store.audit, metrics: GatewayMetrics(), logger: Logger(label: "test"),
            clock: { Self.minuteStart })
        for index in 0..<1000 {
            trail.submit(
                Self.call(
                    .unidentified, at: 1, status: 401, error: "invalid_api_key",
                    address: "10.0.\(index / 256).\(index % 256)"))
        }
        trail.submit(Self.call(Self.key, at: 2, status: 200))
        try await Self.waitFor { try await store.audit.page(before: nil, kind: nil, limit: 10).count == 1 }
        trail.flushSums(before: nil)
        try await Self.waitFor { try await store.audit.page(before: nil, kind: nil, limit: 10).count == 2 }
        let entries = try await store.audit.page(before: nil, kind: .trigger, limit: 10)
        #expect(Set(entries.map(\.count)) == [1, 1000])
        #expect(entries.first { $0.count == 1000 }?.actor == .unidentified)
    }

    static func waitFor(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out")
    }
}
