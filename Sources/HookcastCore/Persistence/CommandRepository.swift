import Foundation
import HookcastProtocol

/// The command log: every command issued, and whether it reached the broker.
public protocol CommandRepository: Sendable {
    /// Durable when it returns: the caller is told the command was accepted. Throws `StoreError.conflict` for a
    /// duplicate id.
    func insert(_ command: Command) async throws
    /// Inserts several commands in one transaction (group commit): all or none.
    func insert(_ commands: [Command]) async throws
    /// Inserts `commands` (one call's: one per step of its action) together with the idempotency record, in one
    /// transaction, unless the record's API key already used the same idempotency key within
    /// `IdempotencyRecord.retention`: then nothing is inserted and the earlier record is returned. Forgets records
    /// past the retention as it goes.
    func insert(_ commands: [Command], idempotency: IdempotencyRecord) async throws -> IdempotentInsert
    /// Inserts `commands` with the callback report that will tell of them, in one transaction, so a report is owed
    /// exactly when its commands exist; with `idempotency` as above (a repeated request inserts neither).
    func insert(_ commands: [Command], idempotency: IdempotencyRecord?, report: CallbackReport) async throws
        -> IdempotentInsert
    func find(id: UUID) async throws -> Command?
    /// The commands of one call of an action with several steps (`TriggerStep`), in step order.
    func find(triggerID: UUID) async throws -> [Command]
    /// Newest first (by `issuedAt`, then insertion order), skipping `offset` commands.
    func page(offset: Int, limit: Int) async throws -> [Command]
    func count() async throws -> Int
    /// Sets `publishedAt` and clears `publishError`. Throws `StoreError.notFound`. Like `markSettled`, it survives
    /// the gateway's crash, but a power cut may lose the last ones: they are derived again (the outbox publishes
    /// such a command again, and devices run a command id once).
    func markPublished(id: UUID, at date: Date) async throws
    /// `markPublished` for several commands in one transaction; ids that do not exist are skipped.
    func markPublished(_ publications: [(id: UUID, at: Date)]) async throws
    /// Records that publishing was given up (e.g. expired); the command leaves `unpublished(limit:issuedBefore:)`.
    /// Throws `StoreError.notFound`.
    func markPublishFailed(id: UUID, error: String) async throws
    /// Commands not yet published and not given up, oldest first, for publishing after a broker outage; only
    /// those issued at or before `issuedBefore` when given (on a shared database, the leader leaves another
    /// gateway's fresh commands to that gateway for a moment).
    func unpublished(limit: Int, issuedBefore: Date?) async throws -> [Command]
    /// How many commands wait to be published (the backlog while the broker is away).
    func unpublishedCount() async throws -> Int
    /// Published commands that have not expired at `date` and are not settled (some expected device may still owe
    /// an answer), issued at or before `issuedBefore` when given, oldest first: the ones redelivery looks after.
    func unsettled(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [Command]
    /// `unsettled` without the commands' bodies, same selection and order: what a redelivery scan reads at every
    /// tick to find the due ones.
    func unsettledSummaries(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [UnsettledCommand]
    /// Summaries of the unsettled, unexpired commands of any age, oldest first, that expect an answer from at least
    /// one of `devices` that has not answered: what devices back online may be owed. A store may also return some
    /// that these devices answered (a redelivery scan reads the answers of what it sends), never leave one out.
    func unsettledSummaries(at date: Date, awaitingAnswerFrom devices: Set<DeviceID>, limit: Int) async throws
        -> [UnsettledCommand]
    /// Those of `ids` that exist and are not settled, in full, in any order: the due ones of a scan (one may have
    /// been answered, cancelled or pruned since its summary was read).
    func unsettled(ids: [UUID]) async throws -> [Command]
    /// Every expected device of these commands has answered: redelivery need not look at them again.
    func markSettled(_ ids: [UUID]) async throws
    /// Cancels the command at `date`: it is settled (redelivery leaves it) and, when not yet published, given up
    /// with the error `cancelled` (the outbox leaves it). Returns the command as it is now; nil when there is no
    /// such command. Cancelling again changes nothing and keeps the first time.
    func cancel(id: UUID, at date: Date) async throws -> Command?
}

extension CommandRepository {
    public func insert(_ command: Command, idempotency: IdempotencyRecord) async throws -> IdempotentInsert {
        try await insert([command], idempotency: idempotency)
    }

    /// Every unpublished command, however recent.
    public func unpublished(limit: Int) async throws -> [Command] {
        try await unpublished(limit: limit, issuedBefore: nil)
    }
}
