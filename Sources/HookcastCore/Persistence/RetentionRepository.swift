import Foundation

/// Forgets what is old, a small batch per call, so a store pruning a million commands keeps serving webhooks
/// between batches (`RetentionPruner` drives it). Every method deletes at most `limit` rows and says how many it
/// deleted; a call that deletes fewer than `limit` found no more.
public protocol RetentionRepository: Sendable {
    /// The oldest commands (by `issuedAt`) issued before `issuedBefore` whose `expiresAt` passed before
    /// `expiredBefore`, up to `limit`: no device is sent them again and no answer changes what they did. A command
    /// that holds an emergency state (`EmergencyHold`) is kept while the hold stands.
    func finishedCommands(issuedBefore: Date, expiredBefore: Date, limit: Int) async throws -> [UUID]
    /// Deletes up to `limit` delivery rows (acknowledgements and redeliveries) of these commands.
    func deleteDeliveryRows(of commandIDs: [UUID], limit: Int) async throws -> Int
    /// Deletes these commands with whatever still hangs off them (idempotency records, delivery rows): only
    /// commands `finishedCommands` gave, whose delivery rows `deleteDeliveryRows` already took in small batches.
    func deleteCommands(_ ids: [UUID]) async throws -> Int
    /// Audit entries recorded before `before`, oldest first.
    func deleteAuditEntries(before: Date, limit: Int) async throws -> Int
    /// Delivery reports delivered or given up that were created before `before`; waiting and sending ones stay.
    func deleteFinishedCallbackReports(createdBefore before: Date, limit: Int) async throws -> Int
    /// CAP alerts received before `before`.
    func deleteCAPAlerts(receivedBefore before: Date, limit: Int) async throws -> Int
}
