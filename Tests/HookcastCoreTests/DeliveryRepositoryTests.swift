import Foundation
import HookcastProtocol
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

    /// Issue 15, finding 2: before, an answer from any device that knew a command's id got a delivery row (and a
    /// report entry), so a device account could add rows to commands never sent to it. `record` returned only the
    /// unknown-command answers then, and the stranger's row was stored: both expectations below failed.
    @Test(arguments: StoreKind.allCases)
    func answersFromDevicesNotExpectedAreCountedNotStored(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let command = try makeCommand()
            try await store.commands.insert(command)
            func answer(_ device: String) throws -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command.id, deviceID: try deviceID(device), state: .ok, detail: "x",
                    executedAt: referenceDate, receivedAt: referenceDate)
            }
            let unknown = AcknowledgementRecord(
                commandID: UUID(), deviceID: try deviceID("d1"), state: .ok, detail: nil, executedAt: nil,
                receivedAt: referenceDate)
            let notStored = try await store.deliveries.record([
                try answer("d1"), try answer("stranger"), try answer("stranger"), unknown,
            ])
            #expect(notStored.unknownCommand == [unknown])
            #expect(notStored.notExpected == [try answer("stranger"), try answer("stranger")])
            #expect(try await store.deliveries.acknowledgements(commandID: command.id) == [try answer("d1")])
            #expect(try await store.deliveries.acknowledgementCount(commandID: command.id) == 1)
            #expect(try await store.deliveries.lastAcknowledgements()[try deviceID("stranger")] == nil)
            let stored = try #require(try await store.commands.find(id: command.id))
            #expect(stored.extraAcknowledgements == 2)

            let report = DeliveryReport(
                command: stored, acknowledgements: try await store.deliveries.acknowledgements(commandID: command.id),
                now: referenceDate, acknowledgementDeadline: .seconds(30))
            #expect(report.entries.map(\.deviceID) == [try deviceID("d1"), try deviceID("d2")])
            #expect(report.extra == 2)
            #expect(report.totals[.ok] == 1 && report.totals[.pending] == 1)
        }
    }

    /// A webhook's `?wait` answers with totals built from the answers counted by state, not from every answer: they
    /// must equal the full report's, pending, timed out and cancelled alike, strangers only counted as extra.
    @Test(arguments: StoreKind.allCases)
    func answersCountedByStateGiveTheReportsTotals(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var command = try makeCommand()
            command.expectedDevices = try ["d1", "d2", "d3", "d4"].map(deviceID)
            try await store.commands.insert(command)
            #expect(try await store.deliveries.acknowledgementCounts(commandID: command.id).isEmpty)
            func answer(_ device: String, _ state: DeliveryState) throws -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command.id, deviceID: try deviceID(device), state: state, detail: nil,
                    executedAt: referenceDate, receivedAt: referenceDate)
            }
            _ = try await store.deliveries.record([
                try answer("d1", .ok), try answer("d2", .failed), try answer("d3", .ok), try answer("stranger", .ok),
            ])
            _ = try await store.deliveries.record([try answer("d3", .rejected)])
            let counts = try await store.deliveries.acknowledgementCounts(commandID: command.id)
            #expect(counts == [.ok: 1, .failed: 1, .rejected: 1])

            let stored = try #require(try await store.commands.find(id: command.id))
            let answers = try await store.deliveries.acknowledgements(commandID: command.id)
            var cancelled = stored
            cancelled.cancelledAt = referenceDate
            for (checked, now) in [
                (stored, referenceDate), (stored, referenceDate.addingTimeInterval(60)), (cancelled, referenceDate),
            ] {
                let report = DeliveryReport(
                    command: checked, acknowledgements: answers, now: now, acknowledgementDeadline: .seconds(30))
                let totals = DeliveryTotals(
                    command: checked, answersByState: counts, now: now, acknowledgementDeadline: .seconds(30))
                #expect(totals == report.summary)
                #expect(totals.isComplete == report.isComplete)
            }
            let pending = DeliveryTotals(
                command: stored, answersByState: counts, now: referenceDate, acknowledgementDeadline: .seconds(30))
            #expect(pending.totals[.pending] == 1 && pending.extra == 1 && !pending.isComplete)
        }
    }

    /// A broadcast's answers arrive in many batches; the store reads its expected devices once and keeps them (the
    /// SQLite and PostgreSQL stores keep the few latest long lists). Every batch must still tell expected devices from strangers,
    /// also for a command stored after the kept ones and for commands whose lists were pushed out.
    @Test(arguments: StoreKind.allCases)
    func broadcastAnswersInManyBatches(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let devices = try (0..<300).map { try deviceID(String(format: "screen-%03d", $0)) }
            var commands: [Command] = []
            for _ in 0..<6 {
                var command = try makeCommand()
                command.expectedDevices = devices
                try await store.commands.insert(command)
                commands.append(command)
            }
            func answer(_ command: Command, _ device: DeviceID) -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command.id, deviceID: device, state: .ok, detail: nil, executedAt: nil,
                    receivedAt: referenceDate)
            }
            // Batches of 50 answers alternating over all six commands, a stranger in every batch.
            for start in stride(from: 0, to: devices.count, by: 50) {
                for command in commands {
                    let batch =
                        devices[start..<start + 50].map { answer(command, $0) }
                        + [answer(command, try deviceID("stranger"))]
                    let notStored = try await store.deliveries.record(batch)
                    #expect(notStored.notExpected == [answer(command, try deviceID("stranger"))])
                    #expect(notStored.unknownCommand.isEmpty)
                }
            }
            for command in commands {
                #expect(try await store.deliveries.acknowledgementCount(commandID: command.id) == devices.count)
                #expect(try await store.commands.find(id: command.id)?.extraAcknowledgements == devices.count / 50)
            }
        }
    }

    /// One batch may interleave the answers of several commands: a broadcast's (whose list the SQLite and PostgreSQL stores keep
    /// after the first batch), a single device's, one whose list was kept but which was deleted since, and one never
    /// stored. Each answer is sorted by its own command, in order, and a single device's answer settles its command.
    @Test(arguments: StoreKind.allCases)
    func oneBatchInterleavesTheAnswersOfSeveralCommands(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let screens = try (0..<100).map { try deviceID(String(format: "screen-%03d", $0)) }
            var broadcast = try makeCommand()
            broadcast.expectedDevices = screens
            var single = try makeCommand(issuedAt: referenceDate.addingTimeInterval(1))
            single.expectedDevices = [try deviceID("d1")]
            var deleted = try makeCommand(issuedAt: referenceDate.addingTimeInterval(2))
            deleted.expectedDevices = screens
            for command in [broadcast, single, deleted] {
                try await store.commands.insert(command)
                try await store.commands.markPublished(id: command.id, at: referenceDate)
            }
            func answer(_ command: UUID, _ device: String) throws -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command, deviceID: try deviceID(device), state: .ok, detail: nil, executedAt: nil,
                    receivedAt: referenceDate)
            }
            // The first batch has the SQLite and PostgreSQL stores keep both long lists.
            _ = try await store.deliveries.record([
                try answer(broadcast.id, "screen-000"), try answer(deleted.id, "screen-000"),
            ])
            if let retention = store.retention { _ = try await retention.deleteCommands([deleted.id]) }
            let never = UUID()
            let batch = [
                try answer(broadcast.id, "screen-001"), try answer(single.id, "d1"),
                try answer(broadcast.id, "stranger"), try answer(deleted.id, "screen-001"),
                try answer(broadcast.id, "screen-002"), try answer(never, "d1"), try answer(single.id, "stranger"),
                try answer(broadcast.id, "screen-001"),
            ]
            let notStored = try await store.deliveries.record(batch)
            #expect(notStored.notExpected == [try answer(broadcast.id, "stranger"), try answer(single.id, "stranger")])
            let unknown = [try answer(never, "d1")]
            let stillStored = store.retention == nil
            #expect(
                notStored.unknownCommand == (stillStored ? unknown : [try answer(deleted.id, "screen-001")] + unknown))
            #expect(try await store.deliveries.acknowledgementCount(commandID: broadcast.id) == 3)
            #expect(try await store.deliveries.acknowledgementCount(commandID: single.id) == 1)
            #expect(try await store.commands.find(id: broadcast.id)?.extraAcknowledgements == 1)
            #expect(try await store.commands.find(id: single.id)?.extraAcknowledgements == 1)
            let unsettled = try await store.commands.unsettled(at: referenceDate, issuedBefore: nil, limit: 10)
            #expect(unsettled.map(\.id).contains(broadcast.id))
            #expect(!unsettled.map(\.id).contains(single.id))
        }
    }
}
