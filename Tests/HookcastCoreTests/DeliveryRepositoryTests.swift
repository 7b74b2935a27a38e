import Foundation
import Testing

@testable import HookcastCore

@Suite struct DeliveryRepositoryTests {
    @Test(arguments: StoreKind.allCases)
    func acknowledgementsOfSeveralCommandsComeBackByCommand(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try makeCommand()
            let second = try makeCommand(issuedAt: referenceDate.addingTimeInterval(1))
            let silent = try makeCommand(issuedAt: referenceDate.addingTimeInterval(2))
            for command in [first, second, silent] { try await store.commands.insert(command) }
            let records = [
                AcknowledgementRecord(
                    commandID: first.id, deviceID: try deviceID("d1"), state: .ok, detail: nil,
                    executedAt: referenceDate, receivedAt: referenceDate),
                AcknowledgementRecord(
                    commandID: first.id, deviceID: try deviceID("d2"), state: .failed, detail: "no screen",
                    executedAt: referenceDate, receivedAt: referenceDate),
                AcknowledgementRecord(
                    commandID: second.id, deviceID: try deviceID("d1"), state: .ok, detail: nil, executedAt: nil,
                    receivedAt: referenceDate),
            ]
            #expect(try await store.deliveries.record(records).isEmpty)
            let found = try await store.deliveries.acknowledgements(commandIDs: [first.id, second.id, silent.id])
            #expect(Set(found.keys) == [first.id, second.id])
            #expect(found[first.id]?.sorted { $0.deviceID < $1.deviceID } == Array(records[0...1]))
            #expect(found[second.id] == [records[2]])
            #expect(try await store.deliveries.acknowledgements(commandIDs: []).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func redeliveriesAreCountedPerDeviceWithTheLastTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let command = try makeCommand()
            try await store.commands.insert(command)
            let (d1, d2) = (try deviceID("d1"), try deviceID("d2"))
            try await store.deliveries.recordRedeliveries([(command.id, d1), (command.id, d2)], at: referenceDate)
            let later = referenceDate.addingTimeInterval(4)
            try await store.deliveries.recordRedeliveries([(command.id, d1)], at: later)
            // A command that does not exist (deleted meanwhile) is skipped, not an error.
            try await store.deliveries.recordRedeliveries([(UUID(), d1)], at: later)
            try await store.deliveries.recordRedeliveries([], at: later)

            let redeliveries = try await store.deliveries.redeliveries(commandID: command.id)
            #expect(
                redeliveries == [
                    d1: RedeliveryRecord(attempts: 2, lastSentAt: later),
                    d2: RedeliveryRecord(attempts: 1, lastSentAt: referenceDate),
                ])
            #expect(try await store.deliveries.redeliveries(commandID: UUID()).isEmpty)

            let report = DeliveryReport(
                command: command, acknowledgements: [], redeliveries: redeliveries, now: referenceDate,
                acknowledgementDeadline: .seconds(30))
            #expect(report.entries.map(\.redeliveries) == [2, 1])
            #expect(report.entries.map(\.lastRedeliveredAt) == [later, referenceDate])
        }
    }
}
