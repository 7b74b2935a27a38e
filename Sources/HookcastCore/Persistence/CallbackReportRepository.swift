import Foundation

/// The callback outbox: delivery reports owed to callback URLs, and how sending each went. Several gateways may
/// share it (PostgreSQL): the state changes that decide who builds and who sends are conditional, so each report is
/// built once and each attempt made by one gateway.
public protocol CallbackReportRepository: Sendable {
    /// Durable when it returns. Throws `StoreError.conflict` for an id already there.
    func insert(_ report: CallbackReport) async throws
    func find(id: UUID) async throws -> CallbackReport?
    /// Newest first (descending id, which is time order), only those older than `before` and in `state` when given.
    func page(before: UUID?, state: CallbackReport.State?, limit: Int) async throws -> [CallbackReport]
    /// The reports that cover `commandID`, newest first.
    func find(commandID: UUID) async throws -> [CallbackReport]
    /// Reports whose commands are not all complete yet, oldest first.
    func waiting(limit: Int) async throws -> [CallbackReport]
    /// Stores the payload and webhook id and moves the report from `waiting` to `sending`, due at `at`. False when
    /// it was not waiting (another gateway built it first): then nothing changes.
    func complete(id: UUID, payload: Data, webhookID: String, at date: Date) async throws -> Bool
    /// Reports in `sending` whose next attempt is at or before `date`, the most overdue first.
    func due(at date: Date, limit: Int) async throws -> [CallbackReport]
    /// The earliest next attempt of any report in `sending`; nil when none is.
    func nextAttempt() async throws -> Date?
    /// Takes the report for one attempt: moves its next attempt from `expected` to `until`, so no other gateway
    /// sends it meanwhile, and a crash mid-attempt leaves it due again at `until`. False when the next attempt is
    /// no longer `expected` or the report not in `sending` (someone else took it).
    func claim(id: UUID, expected: Date, until: Date) async throws -> Bool
    /// Records one attempt: counts it, keeps its status and error, and sets the state and next attempt it decided.
    func record(id: UUID, attempt: CallbackAttempt) async throws
    /// Sends a `failed` report again: `sending`, due at `date`, attempts counted afresh. Returns the report as it is
    /// now (unchanged when it was not failed); nil when there is no such report.
    func retry(id: UUID, at date: Date) async throws -> CallbackReport?
}
