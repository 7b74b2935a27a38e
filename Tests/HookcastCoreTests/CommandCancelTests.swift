import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Cancelling a command: the store settles it (and gives it up when unpublished), and the report shows the
/// devices that had not answered as `cancelled`.
@Suite("Cancelled commands")
struct CommandCancelTests {
    @Test(arguments: StoreKind.allCases)
    func cancelledInEveryStore(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let published = try makeCommand()
            let waiting = try makeCommand(issuedAt: referenceDate.addingTimeInterval(1))
            try await store.commands.insert(published)
            try await store.commands.insert(waiting)
            try await store.commands.markPublished(id: published.id, at: referenceDate)
            let now = referenceDate.addingTimeInterval(10)
            #expect(
                try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id) == [published.id])
            #expect(try await store.commands.unpublished(limit: 10).map(\.id) == [waiting.id])

            let cancelledAt = referenceDate.addingTimeInterval(5)
            let cancelled = try #require(try await store.commands.cancel(id: published.id, at: cancelledAt))
            #expect(cancelled.cancelledAt == cancelledAt)
            #expect(cancelled.publishError == nil)
            #expect(try await store.commands.cancel(id: waiting.id, at: cancelledAt)?.publishError == "cancelled")
            #expect(try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).isEmpty)
            #expect(try await store.commands.unpublished(limit: 10).isEmpty)
            // Again: the first time stays.
            let again = try await store.commands.cancel(id: published.id, at: now)
            #expect(again?.cancelledAt == cancelledAt)
            #expect(try await store.commands.find(id: published.id)?.cancelledAt == cancelledAt)
            #expect(try await store.commands.cancel(id: UUID(), at: now) == nil)
        }
    }

    @Test("Devices that had not answered show cancelled; answers, even later ones, show as they are")
    func reported() throws {
        var command = try makeCommand()
        let answer = AcknowledgementRecord(
            commandID: command.id, deviceID: try DeviceID("d1"), state: .ok, detail: nil,
            executedAt: referenceDate, receivedAt: referenceDate)
        let before = DeliveryReport(
            command: command, acknowledgements: [answer], now: referenceDate, acknowledgementDeadline: .seconds(30))
        #expect(before.totals[.pending] == 1)
        command.cancelledAt = referenceDate.addingTimeInterval(1)
        let after = DeliveryReport(
            command: command, acknowledgements: [answer], now: referenceDate.addingTimeInterval(60),
            acknowledgementDeadline: .seconds(30))
        #expect(after.totals[.cancelled] == 1)
        #expect(after.totals[.ok] == 1)
        #expect(after.totals[.timedOut] == 0)
        #expect(after.isComplete)
        #expect(after.entries.map(\.state) == [.ok, .cancelled])
    }
}
