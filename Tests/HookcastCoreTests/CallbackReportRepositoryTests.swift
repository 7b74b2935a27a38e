import Foundation
import HookcastPostgres
import HookcastPostgresTestSupport
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// The callback outbox's contract, against every store: stored with its commands in one transaction, built once,
/// claimed by one sender, retried after it failed.
@Suite struct CallbackReportRepositoryTests {
    private static func report(commands: [Command], at date: Date = referenceDate) -> CallbackReport {
        CallbackReport(
            url: "https://receiver.example/hook", encryptedSecret: Data([1, 2, 3]), commandIDs: commands.map(\.id),
            subject: .object(["kind": .string("webhook"), "event_id": .string("door-open")]), createdAt: date)
    }

    @Test(arguments: StoreKind.allCases)
    func aReportIsStoredWithItsCommandsAndReadBackAsWritten(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let commands = [try makeCommand(), try makeCommand()]
            let report = Self.report(commands: commands)
            #expect(try await store.commands.insert(commands, idempotency: nil, report: report) == .inserted)
            #expect(try await store.commands.find(id: commands[1].id) != nil)
            #expect(try await store.callbacks.find(id: report.id) == report)
            #expect(try await store.callbacks.waiting(limit: 10) == [report])
            #expect(try await store.callbacks.find(commandID: commands[0].id).map(\.id) == [report.id])
            #expect(try await store.callbacks.find(commandID: UUID()).isEmpty)

            // The same commands again: neither they nor a second report are stored.
            let again = Self.report(commands: commands)
            await #expect(throws: StoreError.self) {
                try await store.commands.insert(commands, idempotency: nil, report: again)
            }
            #expect(try await store.callbacks.find(id: again.id) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRepeatedIdempotentRequestStoresNoSecondReport(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let keyID = UUID()
            let first = [try makeCommand()]
            let record = IdempotencyRecord(
                apiKeyID: keyID, key: "k1", fingerprint: "f", commandID: first[0].id, createdAt: referenceDate)
            let report = Self.report(commands: first)
            #expect(try await store.commands.insert(first, idempotency: record, report: report) == .inserted)
            let second = [try makeCommand()]
            let repeated = IdempotencyRecord(
                apiKeyID: keyID, key: "k1", fingerprint: "f", commandID: second[0].id, createdAt: referenceDate)
            let outcome = try await store.commands.insert(
                second, idempotency: repeated, report: Self.report(commands: second))
            #expect(outcome == .existing(record))
            #expect(try await store.callbacks.page(before: nil, state: nil, limit: 10).map(\.id) == [report.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReportIsBuiltOnceClaimedOnceAndRecorded(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let report = Self.report(commands: [try makeCommand()])
            try await store.callbacks.insert(report)
            let built = referenceDate.addingTimeInterval(5)
            let payload = Data(#"{"type":"delivery.report"}"#.utf8)
            #expect(try await store.callbacks.complete(id: report.id, payload: payload, webhookID: "msg_1", at: built))
            // A second gateway building it too changes nothing.
            #expect(
                try await store.callbacks.complete(id: report.id, payload: Data(), webhookID: "msg_2", at: built)
                    == false)
            #expect(try await store.callbacks.waiting(limit: 10).isEmpty)
            #expect(try await store.callbacks.due(at: built.addingTimeInterval(-1), limit: 10).isEmpty)
            #expect(try await store.callbacks.due(at: built, limit: 10).map(\.id) == [report.id])
            #expect(try await store.callbacks.nextAttempt() == built.roundedToMilliseconds)

            let lease = built.addingTimeInterval(40)
            #expect(try await store.callbacks.claim(id: report.id, expected: built, until: lease))
            #expect(try await store.callbacks.claim(id: report.id, expected: built, until: lease) == false)
            #expect(try await store.callbacks.due(at: built.addingTimeInterval(1), limit: 10).isEmpty)

            let retryAt = built.addingTimeInterval(10)
            try await store.callbacks.record(
                id: report.id,
                attempt: CallbackAttempt(
                    at: built, status: 503, error: "the receiver answered 503", state: .sending,
                    nextAttemptAt: retryAt))
            var stored = try #require(try await store.callbacks.find(id: report.id))
            #expect(stored.state == .sending && stored.attempts == 1 && stored.lastStatus == 503)
            #expect(stored.nextAttemptAt == retryAt.roundedToMilliseconds)
            #expect(stored.payload == payload && stored.webhookID == "msg_1")

            try await store.callbacks.record(
                id: report.id,
                attempt: CallbackAttempt(at: retryAt, status: 200, error: nil, state: .delivered, nextAttemptAt: nil))
            stored = try #require(try await store.callbacks.find(id: report.id))
            #expect(stored.state == .delivered && stored.attempts == 2 && stored.lastError == nil)
            #expect(stored.deliveredAt == retryAt.roundedToMilliseconds && stored.nextAttemptAt == nil)
            #expect(try await store.callbacks.nextAttempt() == nil)
            // Only a failed report is sent again.
            #expect(try await store.callbacks.retry(id: report.id, at: retryAt)?.state == .delivered)
            #expect(try await store.callbacks.retry(id: UUID(), at: retryAt) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedReportIsSentAgainOnRetry(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let report = Self.report(commands: [try makeCommand()])
            try await store.callbacks.insert(report)
            _ = try await store.callbacks.complete(
                id: report.id, payload: Data("{}".utf8), webhookID: "msg_x", at: referenceDate)
            try await store.callbacks.record(
                id: report.id,
                attempt: CallbackAttempt(
                    at: referenceDate, status: 410, error: "gone", state: .failed, nextAttemptAt: nil))
            #expect(try await store.callbacks.page(before: nil, state: .failed, limit: 5).map(\.id) == [report.id])
            let later = referenceDate.addingTimeInterval(60)
            let retried = try #require(try await store.callbacks.retry(id: report.id, at: later))
            #expect(retried.state == .sending && retried.attempts == 0)
            #expect(retried.nextAttemptAt == later.roundedToMilliseconds)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesAreNewestFirstAndFilterByState(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var written: [CallbackReport] = []
            for index in 0..<5 {
                let report = Self.report(
                    commands: [try makeCommand()], at: referenceDate.addingTimeInterval(Double(index)))
                try await store.callbacks.insert(report)
                written.append(report)
            }
            _ = try await store.callbacks.complete(
                id: written[2].id, payload: Data("{}".utf8), webhookID: "m", at: referenceDate)
            let first = try await store.callbacks.page(before: nil, state: nil, limit: 3)
            #expect(first.map(\.id) == written.reversed().prefix(3).map(\.id))
            let rest = try await store.callbacks.page(before: first.last?.id, state: nil, limit: 3)
            #expect(rest.map(\.id) == [written[1].id, written[0].id])
            #expect(try await store.callbacks.page(before: nil, state: .sending, limit: 9).map(\.id) == [written[2].id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func actionsAndKeysKeepTheirCallback(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var action = try makeAction()
            action.callback = CallbackTarget(url: "https://a.example/r", encryptedSecret: Data([9, 8]))
            try await store.actions.insert(action)
            #expect(try await store.actions.find(eventID: action.eventID)?.callback == action.callback)
            action.callback = nil
            try await store.actions.update(action)
            #expect(try await store.actions.find(eventID: action.eventID)?.callback == nil)

            let vault = KeyVault(keyBytes: Data(repeating: 7, count: 32))
            let keys = APIKeyService(vault: vault, repository: store.keys)
            let (key, _, _) = try await keys.create(name: "k")
            let (updated, secret) = try await keys.setCallback(
                id: key.id, url: .some("http://127.0.0.1:1/x"), rotate: false)
            #expect(updated.callbackURL == "http://127.0.0.1:1/x")
            let target = try #require(try await keys.callbackTarget(id: key.id))
            #expect(try vault.callbackSecret(of: target).value == secret?.value)
        }
    }
}
