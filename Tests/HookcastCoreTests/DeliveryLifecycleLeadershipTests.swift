import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Gateways sharing one database: only the leader reads the outbox, scans for redelivery and re-publishes the
/// retained state, and a new leader starts where a dead one may have stopped.
@Suite("Delivery lifecycle: leading among gateways that share a database")
struct DeliveryLifecycleLeadershipTests {
    static let now = referenceDate
    static let sharedAge: TimeInterval = 3

    /// A gateway on a shared database that does not lead (yet), connected to the broker.
    static func follower() -> DeliveryLifecycle {
        var configuration = DeliveryLifecycle.Configuration(acknowledgementDeadline: 5)
        configuration.sharedOutboxAge = sharedAge
        var lifecycle = DeliveryLifecycle(configuration: configuration)
        #expect(lifecycle.leadershipChanged(leading: false) == [])
        #expect(lifecycle.connected() == [], "a follower re-publishes nothing and reads no outbox on connecting")
        return lifecycle
    }

    @Test("A follower publishes its own webhooks' commands but reads no outbox and scans nothing")
    func followerDoesOnlyItsOwn() throws {
        var lifecycle = Self.follower()
        let command = try makeCommand(issuedAt: Self.now)
        lifecycle.storing(command.id)
        #expect(lifecycle.stored(command, brokerConnected: true, now: Self.now) == .publish)
        // Its failed publish is left to the leader's outbox.
        #expect(lifecycle.publishFailed(command.id) == [])
        #expect(lifecycle.tick(now: Self.now.addingTimeInterval(60)) == [])
        #expect(!lifecycle.isLeading)
    }

    @Test("Taking the lead re-publishes the retained state and reads the outbox; the next tick scans")
    func takingTheLead() {
        var lifecycle = Self.follower()
        #expect(
            lifecycle.leadershipChanged(leading: true)
                == [.resendRetained, .readOutbox(limit: 100, minimumAge: Self.sharedAge)])
        #expect(lifecycle.leadershipChanged(leading: true) == [], "only a change of leader is news")
        #expect(lifecycle.outboxRead([], now: Self.now) == [])
        let later = Self.now.addingTimeInterval(10)
        #expect(
            lifecycle.tick(now: later) == [
                .readOutbox(limit: 100, minimumAge: Self.sharedAge),
                .readUnsettled(
                    overdueBefore: later.addingTimeInterval(-5), awaitingAnswerFrom: [], limit: 10_000, at: later),
            ])
    }

    @Test("A leader on a shared database reads the outbox at every tick, since others' failures are not told")
    func sharedLeaderPollsTheOutbox() {
        var lifecycle = Self.follower()
        _ = lifecycle.leadershipChanged(leading: true)
        _ = lifecycle.outboxRead([], now: Self.now)
        for second in 1...3 {
            let actions = lifecycle.tick(now: Self.now.addingTimeInterval(Double(second)))
            #expect(actions.first == .readOutbox(limit: 100, minimumAge: Self.sharedAge))
            _ = lifecycle.outboxRead([], now: Self.now)
            _ = lifecycle.unsettledRead(overdue: [], concerning: nil)
        }
    }

    @Test("A gateway alone on its database reads the outbox only when something is pending, with no age limit")
    func aloneItReadsWhenPending() {
        var lifecycle = DeliveryLifecycle(configuration: .init(acknowledgementDeadline: 5))
        #expect(lifecycle.isLeading)
        #expect(lifecycle.connected() == [.resendRetained, .readOutbox(limit: 100, minimumAge: nil)])
        _ = lifecycle.outboxRead([], now: Self.now)
        #expect(!lifecycle.tick(now: Self.now).contains(.readOutbox(limit: 100, minimumAge: nil)))
    }

    @Test("Losing the lead stops the outbox and the scans at once; taking it while the broker is away waits for it")
    func losingTheLead() {
        var lifecycle = Self.follower()
        _ = lifecycle.leadershipChanged(leading: true)
        _ = lifecycle.outboxRead([], now: Self.now)
        #expect(lifecycle.leadershipChanged(leading: false) == [])
        #expect(lifecycle.tick(now: Self.now.addingTimeInterval(30)) == [])

        lifecycle.disconnected()
        #expect(lifecycle.leadershipChanged(leading: true) == [])
        #expect(lifecycle.connected() == [.resendRetained, .readOutbox(limit: 100, minimumAge: Self.sharedAge)])
    }
}
