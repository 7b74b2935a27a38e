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

    /// One whole scan at `now`: `unsettled` (the overdue ones), `recent` (every unsettled one, when devices came
    /// back) and the answers are what the store would return; `stored` (all of them unless given) are those a read
    /// of whole commands by id still finds unsettled.
    static func scan(
        _ lifecycle: inout DeliveryLifecycle, at now: Date, unsettled: [Command], recent: [Command]? = nil,
        answered: [UUID: Set<DeviceID>] = [:], stored: [Command]? = nil
    ) -> (redeliveries: [Redelivery], settle: [UUID], readWhole: [UUID])? {
        guard case .readUnsettled(_, let returned, _, _) = lifecycle.tick(now: now).last else { return nil }
        let concerning =
            returned.isEmpty
            ? nil
            : (recent ?? unsettled).filter { $0.expectedDevices.contains(where: returned.contains) }
                .map(UnsettledCommand.init)
        var actions = lifecycle.unsettledRead(overdue: unsettled.map(UnsettledCommand.init), concerning: concerning)
        var readWhole: [UUID] = []
        if case .readDue(let due) = actions.first {
            readWhole = due
            let found = (stored ?? unsettled + (recent ?? [])).filter { due.contains($0.id) }
            actions = lifecycle.dueRead(found, answered: answered)
        }
        lifecycle.scanFinished()
        guard case .redeliver(let redeliveries, let settle, _) = actions.first else { return ([], [], readWhole) }
        return (redeliveries, settle, readWhole)
    }

    @Test("A scan asks only for commands past their first deadline, and one scan runs at a time")
    func scanReadsOverdueOnly() {
        var lifecycle = Self.connectedLifecycle()
        let now = Self.issued.addingTimeInterval(10)
        #expect(
            lifecycle.tick(now: now)
                == [
                    .readUnsettled(
                        overdueBefore: now.addingTimeInterval(-5), awaitingAnswerFrom: [], limit: 10_000, at: now)
                ]
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

    @Test("A scan reads whole only the commands due, and none when nothing is due")
    func readsWholeOnlyTheDue() throws {
        var lifecycle = Self.connectedLifecycle()
        let first = try makeCommand(issuedAt: Self.issued)
        let second = try makeCommand(issuedAt: Self.issued.addingTimeInterval(3))
        let firstDue = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(5), unsettled: [first])
        #expect(firstDue?.readWhole == [first.id])
        // The first was sent at 5 s and is next due at 15 s; the second is due at 8 s.
        let secondDue = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(8), unsettled: [first, second])
        #expect(secondDue?.readWhole == [second.id])
        #expect(secondDue?.redeliveries.map(\.command.id) == [second.id])
        let none = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(12), unsettled: [first, second])
        #expect(none?.readWhole == [])
        #expect(none?.redeliveries == [])
        let again = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(15), unsettled: [first, second])
        #expect(again?.readWhole == [first.id])
        #expect(again?.redeliveries.map(\.command.id) == [first.id])
    }

    @Test("A due command that is settled, cancelled or gone by the time it is read whole is passed over")
    func dueButGone() throws {
        var lifecycle = Self.connectedLifecycle()
        let gone = try makeCommand(issuedAt: Self.issued)
        let kept = try makeCommand(issuedAt: Self.issued)
        let scan = Self.scan(
            &lifecycle, at: Self.issued.addingTimeInterval(5), unsettled: [gone, kept], stored: [kept])
        #expect(scan?.readWhole == [gone.id, kept.id])
        #expect(scan?.redeliveries.map(\.command.id) == [kept.id])
        #expect(scan?.settle == [])
        #expect(lifecycle.tick(now: Self.issued.addingTimeInterval(6)).isEmpty == false, "the scan is over")
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
                    overdueBefore: back.addingTimeInterval(1 - 5), awaitingAnswerFrom: [], limit: 10_000,
                    at: back.addingTimeInterval(1)))
        _ = lifecycle.unsettledRead(overdue: [], concerning: nil)
        lifecycle.scanFinished()
        // After it: the recent command, not overdue, concerns the device; only d2 is sent to.
        let scan = Self.scan(
            &lifecycle, at: back.addingTimeInterval(2), unsettled: [], recent: [command],
            answered: [:])
        #expect(
            scan?.redeliveries == [Redelivery(command: command, devices: [d2], attempt: 1, reason: .deviceBackOnline)])
        // Its schedule was not moved, nor dropped by scans that do not read it (not yet overdue, nobody back):
        // the deadline redelivery to everyone who owes an answer still comes at 5 s, as the second attempt.
        let between = Self.scan(&lifecycle, at: Self.issued.addingTimeInterval(4), unsettled: [])
        #expect(between?.redeliveries == [])
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
