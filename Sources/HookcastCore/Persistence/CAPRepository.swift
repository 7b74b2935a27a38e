import Foundation
import HookcastCAP

/// The CAP rules (docs/cap.md, "Rules"), in the order they were created.
public protocol CAPRuleRepository: Sendable {
    func all() async throws -> [CAPRule]
    func find(id: CAPRuleID) async throws -> CAPRule?
    /// Throws `StoreError.conflict` when a rule with the id exists.
    func insert(_ rule: CAPRule) async throws
    /// Throws `StoreError.notFound` for an unknown id; keeps `createdAt`.
    func update(_ rule: CAPRule) async throws
    func delete(id: CAPRuleID) async throws -> Bool
}

/// Every CAP message received, once per `sender`, `identifier` and `sent`.
public protocol CAPAlertRepository: Sendable {
    /// Stores `record` unless a message with the same key is stored; then returns that one and stores nothing. This
    /// is how an alert is acted on once, also by gateways sharing a database.
    func claim(_ record: CAPAlertRecord) async throws -> CAPAlertRecord?
    /// Forgets a claimed record that nothing was done for (the store failed midway), so the sender's retry is acted
    /// on rather than answered as a duplicate.
    func remove(id: UUID) async throws
    /// Replaces the stored record with the same id.
    func update(_ record: CAPAlertRecord) async throws
    func find(id: UUID) async throws -> CAPAlertRecord?
    /// The stored messages among `keys`, in no particular order.
    func find(keys: [CAPReference]) async throws -> [CAPAlertRecord]
    /// Newest first, older than `before` when given.
    func page(before: UUID?, limit: Int) async throws -> [CAPAlertRecord]
}

/// The CAP feeds Hookcast polls, each with what polling it has found so far.
public protocol CAPFeedRepository: Sendable {
    /// Every feed with its status, in the order created.
    func all() async throws -> [(feed: CAPFeed, status: CAPFeedStatus)]
    func find(id: CAPFeedID) async throws -> (feed: CAPFeed, status: CAPFeedStatus)?
    /// Throws `StoreError.conflict` when a feed with the id exists.
    func insert(_ feed: CAPFeed) async throws
    /// Throws `StoreError.notFound` for an unknown id; keeps `createdAt` and the status, unless the URL changed
    /// (then the status starts afresh: another feed's validators and entries mean nothing here).
    func update(_ feed: CAPFeed) async throws
    func delete(id: CAPFeedID) async throws -> Bool
    /// Saves what a poll found; a feed deleted meanwhile stays deleted.
    func saveStatus(_ status: CAPFeedStatus, of id: CAPFeedID) async throws
}
