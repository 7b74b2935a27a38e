import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Pruning past the retention (issue 22), against every store: only finished commands go, with everything that
/// hangs off them, in batches; what a device may still be sent, an emergency that still stands and recent records
/// stay.
@Suite struct RetentionStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static func command(issuedDaysAgo days: Double, ttl: TimeInterval = 60, devices: [String] = ["d1", "d2"])
        throws -> Command
    {
        let issued = now.addingTimeInterval(-days * day)
        return Command(
            eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(), sensorData: nil,
            target: .all, expectedDevices: try devices.map { try DeviceID($0) }, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(ttl), apiKeyID: nil, source: .webhook)
    }

    static func answer(_ command: Command, _ device: String) throws -> AcknowledgementRecord {
        AcknowledgementRecord(
            commandID: command.id, deviceID: try DeviceID(device), state: .ok, detail: nil, executedAt: nil,
            receivedAt: command.issuedAt.addingTimeInterval(1))
    }

    @Test(arguments: StoreKind.allCases)
    func onlyFinishedOldCommandsGoWithTheirRows(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let retention = try #require(store.retention)
            let old = try Self.command(issuedDaysAgo: 40)
            let holding = try Self.command(issuedDaysAgo: 40)
            let live = try Self.command(issuedDaysAgo: 40, ttl: 50 * Self.day)
            let recent = try Self.command(issuedDaysAgo: 2)
            _ = try await store.commands.insert(
                [old],
                idempotency: IdempotencyRecord(
                    apiKeyID: UUID(), key: "k", fingerprint: "f", commandID: old.id, createdAt: Self.now))
            for command in [holding, live, recent] { try await store.commands.insert(command) }
            _ = try await store.deliveries.record(
                [try Self.answer(old, "d1"), try Self.answer(old, "d2"), try Self.answer(recent, "d1")])
            try await store.deliveries.recordRedeliveries(
                [(old.id, try DeviceID("d2"))], at: old.issuedAt.addingTimeInterval(30))
            let standing = EmergencyStateMessage(
                scope: .all, state: .on, message: "Flood", commandID: holding.id, since: holding.issuedAt)
            try await store.emergencies.apply(
                EmergencyChange(states: [standing], added: [EmergencyHold(state: standing, endsAt: nil)]))

            var batches: [PrunedRecords] = []
            let pruned = try await RetentionPruner(
                repository: retention, policy: RetentionPolicy(commands: .seconds(30 * 86_400), audit: nil)
            ).prune(now: Self.now) { batches.append($0) }

            #expect(pruned.commands == 1)
            #expect(pruned.deliveryRows == 3)
            #expect(batches.reduce(PrunedRecords(), +) == pruned)
            #expect(try await store.commands.find(id: old.id) == nil)
            #expect(try await store.deliveries.acknowledgements(commandID: old.id).isEmpty)
            #expect(try await store.deliveries.redeliveries(commandID: old.id).isEmpty)
            for kept in [holding, live, recent] { #expect(try await store.commands.find(id: kept.id) == kept) }
            #expect(try await store.deliveries.acknowledgements(commandID: recent.id).count == 1)
            // The pruned command's idempotency record went with it: the key may be used again.
            let again = try Self.command(issuedDaysAgo: 0)
            let reuse = try await store.commands.insert(
                [again],
                idempotency: IdempotencyRecord(
                    apiKeyID: UUID(), key: "k", fingerprint: "f", commandID: again.id, createdAt: Self.now))
            #expect(reuse == .inserted)
            // A second pass finds nothing more.
            #expect(
                try await RetentionPruner(repository: retention, policy: RetentionPolicy(audit: nil))
                    .prune(now: Self.now) == PrunedRecords())
        }
    }

    @Test(arguments: StoreKind.allCases)
    func manyCommandsGoInSmallBatches(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let retention = try #require(store.retention)
            let devices = (1...4).map { "d\($0)" }
            let old = try (0..<23).map { _ in try Self.command(issuedDaysAgo: 31, devices: devices) }
            try await store.commands.insert(old)
            _ = try await store.deliveries.record(
                try old.flatMap { command in try devices.map { try Self.answer(command, $0) } })
            var pruner = RetentionPruner(repository: retention, policy: RetentionPolicy(audit: nil))
            (pruner.commandBatch, pruner.rowBatch, pruner.pause) = (5, 7, .zero)
            var batches: [PrunedRecords] = []
            let pruned = try await pruner.prune(now: Self.now) { batches.append($0) }
            #expect(pruned.commands == 23)
            #expect(pruned.deliveryRows == 23 * 4)
            #expect(batches.allSatisfy { $0.deliveryRows <= 7 && $0.commands <= 5 })
            #expect(batches.filter { $0.commands > 0 }.count == 5)
            #expect(try await store.commands.count() == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func auditEntriesHaveTheirOwnRetention(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let retention = try #require(store.retention)
            let entries = [400.0, 200, 1].map { days in
                AuditEntry(
                    at: Self.now.addingTimeInterval(-days * Self.day), kind: .admin, actor: .adminToken,
                    remoteAddress: nil, eventID: nil, commandIDs: [], status: nil, errorCode: nil, resource: "key",
                    resourceID: "k", operation: "update", before: nil, after: nil, count: 1)
            }
            try await store.audit.insert(entries, synced: true)
            let policy = RetentionPolicy(commands: .seconds(86_400), audit: .seconds(365 * 86_400))
            #expect(
                try await RetentionPruner(repository: retention, policy: policy).prune(now: Self.now).auditEntries == 1)
            #expect(
                Set(try await store.audit.page(before: nil, kind: nil, limit: 10).map(\.id))
                    == Set(entries.dropFirst().map(\.id)))
            let keepAll = RetentionPolicy(commands: .seconds(86_400), audit: nil)
            #expect(
                try await RetentionPruner(repository: retention, policy: keepAll).prune(now: Self.now).auditEntries == 0
            )
        }
    }
}

extension RetentionStoreTests {
    @Test(arguments: StoreKind.allCases)
    func finishedReportsAndOldCAPAlertsGo(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let retention = try #require(store.retention)
            let old = Self.now.addingTimeInterval(-40 * Self.day)
            func report(_ state: CallbackReport.State, at date: Date) -> CallbackReport {
                var report = CallbackReport(
                    url: "https://receiver.example/hook", encryptedSecret: Data([1]), commandIDs: [UUID()],
                    subject: .object([:]), createdAt: date)
                report.state = state
                return report
            }
            let reports = [
                report(.delivered, at: old), report(.failed, at: old), report(.sending, at: old),
                report(.waiting, at: old), report(.delivered, at: Self.now),
            ]
            for item in reports { try await store.callbacks.insert(item) }
            var recent = try CAPRulePlannerTests.alert()
            recent.identifier = "recent"
            let alerts = [
                CAPAlertRecord(alert: try CAPRulePlannerTests.alert(), receivedAt: old, apiKeyID: nil, feedURL: nil),
                CAPAlertRecord(alert: recent, receivedAt: Self.now, apiKeyID: nil, feedURL: nil),
            ]
            for alert in alerts { #expect(try await store.capAlerts.claim(alert) == nil) }

            let pruned = try await RetentionPruner(repository: retention, policy: RetentionPolicy(audit: nil))
                .prune(now: Self.now)
            #expect(pruned.callbackReports == 2)
            #expect(pruned.capAlerts == 1)
            let left = try await store.callbacks.page(before: nil, state: nil, limit: 10).map(\.id)
            #expect(Set(left) == Set(reports.dropFirst(2).map(\.id)))
            #expect(try await store.capAlerts.page(before: nil, limit: 10).map(\.id) == [alerts[1].id])
        }
    }
}

@Suite struct RetentionPolicyTests {
    @Test func durationsParseAndZeroKeepsEverything() throws {
        #expect(try RetentionPolicy.parse("30d", option: "--retention") == .seconds(30 * 86_400))
        #expect(try RetentionPolicy.parse("30", option: "--retention") == .seconds(30 * 86_400))
        #expect(try RetentionPolicy.parse("12h", option: "--retention") == .seconds(12 * 3_600))
        #expect(try RetentionPolicy.parse(" 90M ", option: "--retention") == .seconds(90 * 60))
        #expect(try RetentionPolicy.parse("0", option: "--retention") == nil)
        #expect(try RetentionPolicy.parse("0d", option: "--retention") == nil)
    }

    @Test(arguments: ["", "d", "-1d", "1.5d", "30 days", "1w", "999999999d"])
    func nonsenseIsRefusedNamingTheOption(text: String) {
        #expect(throws: RetentionParseError.self) { try RetentionPolicy.parse(text, option: "--audit-retention") }
        do {
            _ = try RetentionPolicy.parse(text, option: "--audit-retention")
        } catch {
            #expect(error.message.hasPrefix("--audit-retention must be"))
        }
    }
}
