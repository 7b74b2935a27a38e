import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// The lifecycle's redelivery half: which commands a scan reads, who gets a command again and when, and what is
/// settled. The store's answers are handed in as the driver would read them.
@Suite("Delivery lifecycle: redelivery")
struct DeliveryLifecycleRedeliveryTests {
    static let deadline: TimeInterval = 5
    static let issued = referenceDate

    static func connectedLifecycle() -> DeliveryLifecycle {
        var lifecycle = DeliveryLifecycle(configuration: .init(acknowledgementDeadline: deadline))
        _ = lifecycle.connected()
        _ = lifecycle.outboxRead([], now: issued)
        return lifecycle
    }

    /// One whole scan at `now`: the unsettled commands and the answers are what the store would return.
    static func scan(
        _ lifecycle: inout DeliveryLifecycle, at now: Date, unsettled: [Command], recent: [Command]? = nil,
        answered: [UUID: Set<DeviceID>] = [:]
    ) -> (redeliveries: [Redelivery], settle: [UUID])? {
        guard case .readUnsettled(_, let recentToo, _, _) = lifecycle.tick(now: now).last else { return nil }
        var actions = lifecycle.unsettledRead(overdue: unsettled, recent: recentToo ? (recent ?? unsettled) : nil)
        if case .readAnswers = actions.first { actions = lifecycle.answersRead(answered) }
        lifecycle.scanFinished()
        guard case .redeliver(let redeliveries, let settle, _) = actions.first else { return ([], []) }
        return (redeliveries, settle)
    }

    @Test("A scan asks only for commands past their first deadline, and one scan runs at a time")
    func scanReadsOverdueOnly() {
        var lifecycle = Self.connectedLifecycle()
        let now = Self.issued.addingTimeInterval(10)
        #expect(
            lifecycle.tick(now: now)
                == [.readUnsettled(overdueBefore: now.addingTimeInterval(-5), recentToo: false, limit: 10_000, at: now)]
        )
        #expect(lifecycle.tick(now: now.addingTimeInterval(1)) == [])
        lifecycle.scanFailed()
        #expect(lifecycle.tick(now: now.addingTimeInterval(1)).count == 1)
    }

    @Test("Devices that did not answer get the command again on their own, with the backoff doubling per attempt")
    func redeliveryWithBackoff() throws {
        var lifecycle = Self.connectedLifecycle()
        let command = try makeCommand(issuedAt: Self.issued)
        let (d1, d2) = (try deviceID("d1"), try deviceID("d2"))
        let answered = [command.id: Set([d1])]
        // Due at the deadline: attempt 1, to d2 only; next due 2 × 5 s later.
        let first = Self.scan(
            &lifecycle, at: Self.issued.addingTimeInterval(5), unsettled: [command], answered: answered)
        #expect(first?.redeliveries == [Redelivery(command: command, devices: [d2], attempt: 1, reason: .deadline)])
        #expect(first?.settle == [])
        let early = Self.scan(
            &lifecycle, at: Self.issued.addingTimeInterval(14), unsettled: [command], answered: answered)
        #expect(early?.redeliveries == [])
        let second = Self.scan(
            &lifecycle, at: Self.issued.addingTimeInterval(15), unsettled: [command], answered: answered)
        #expect(second?.redeliveries.map(\.attempt) == [2])
        // Next after 4 × 5 s.
        #expect(Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(34), unsettled: [command])?.redeliveries == [])
        #expect(
            Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(35), unsettled: [command])?.redeliveries
                .map(\.devices) == [[d1, d2]])
    }

    @Test("The backoff stops growing at the maximum")
    func backoffIsCapped() throws {
        var configuration = DeliveryLifecycle.Configuration(acknowledgementDeadline: Self.deadline)
        configuration.maximumBackoff = 12
        var lifecycle = DeliveryLifecycle(configuration: configuration)
        _ = lifecycle.connected()
        _ = lifecycle.outboxRead([], now: Self.issued)
        let command = try makeCommand(issuedAt: Self.issued)
        var sends: [TimeInterval] = []
        for second in stride(from: 5.0, through: 60, by: 1) {
            let scan = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(second), unsettled: [command])
            if scan?.redeliveries.isEmpty == false { sends.append(second) }
        }
        #expect(sends == [5, 15, 27, 39, 51])
    }

    @Test("A command everyone answered, or that expects nobody, is settled without a send")
    func settling() throws {
        var lifecycle = Self.connectedLifecycle()
        let answeredByAll = try makeCommand(issuedAt: Self.issued)
        var nobody = try makeCommand(issuedAt: Self.issued)
        nobody.expectedDevices = []
        let scan = Self.scan(
            &lifecycle, at: Self.issued.addingTimeInterval(6), unsettled: [answeredByAll, nobody],
            answered: [answeredByAll.id: Set(answeredByAll.expectedDevices)])
        #expect(scan?.redeliveries == [])
        #expect(scan.map { Set($0.settle) } == [answeredByAll.id, nobody.id])
    }

    @Test("A device back online gets what it misses at the first scan after the grace, off its backoff schedule")
    func returningDevice() throws {
        var lifecycle = Self.connectedLifecycle()
        let d2 = try deviceID("d2")
        let presence = { (online: Bool) in
            DevicePresence(deviceID: d2, online: online, since: Self.issued, agentVersion: nil)
        }
        // First heard online: not a return.
        lifecycle.presenceChanged([presence(true)], at: Self.issued)
        lifecycle.presenceChanged([presence(false)], at: Self.issued)
        let command = try makeCommand(issuedAt: Self.issued)
        let back = Self.issued.addingTimeInterval(1)
        lifecycle.presenceChanged([presence(true)], at: back)
        // Within the grace (2 s): not yet.
        #expect(
            lifecycle.tick(now: back.addingTimeInterval(1)).last
                == .readUnsettled(
                    overdueBefore: back.addingTimeInterval(1 - 5), recentToo: false, limit: 10_000,
                    at: back.addingTimeInterval(1)))
        _ = lifecycle.unsettledRead(overdue: [], recent: nil)
        lifecycle.scanFinished()
        // After it: the recent command, not overdue, concerns the device; only d2 is sent to.
        let scan = Self.scan(
            &lifecycle, at: back.addingTimeInterval(2), unsettled: [], recent: [command],
            answered: [:])
        #expect(
            scan?.redeliveries == [Redelivery(command: command, devices: [d2], attempt: 1, reason: .deviceBackOnline)])
        // Its schedule was not moved: the deadline redelivery to everyone who owes an answer still comes at 5 s.
        let due = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(5), unsettled: [command])
        #expect(due?.redeliveries.map(\.reason) == [.deadline])
        #expect(due?.redeliveries.map(\.attempt) == [2])
    }

    @Test("Without a broker connection, or once stopping, nothing is scanned")
    func noScanWhileAway() {
        var lifecycle = Self.connectedLifecycle()
        lifecycle.disconnected()
        #expect(lifecycle.tick(now: Self.issued.addingTimeInterval(60)) == [])
        _ = lifecycle.connected()
        _ = lifecycle.stopping()
        #expect(lifecycle.tick(now: Self.issued.addingTimeInterval(60)) == [])
    }
}
