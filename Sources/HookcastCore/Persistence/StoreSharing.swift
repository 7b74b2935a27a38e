import Foundation

/// What gateways that share one database (PostgreSQL) tell each other through it, and which of them does the work
/// that must happen once: reading the outbox, redelivering, reconciling broker accounts, re-publishing retained
/// states. A store only one gateway uses (SQLite, memory) has none, and that gateway always leads.
public protocol StoreSharing: Sendable {
    /// Whether this gateway leads now: the current answer first, then each change, until `run` ends.
    func leadership() -> AsyncStream<Bool>
    /// What the gateways wrote that the others must know of, until `run` ends (every gateway hears its own writes
    /// as well).
    func notices() -> AsyncStream<StoreNotice>
    /// Stores `value` under `name` unless the database holds a value for it already; returns the one it holds.
    /// Gateways agree on their master key this way (`KeyVault.checkShared`).
    func agree(on name: String, proposing value: String) async throws -> String
    /// Console sessions every gateway on the database honours, by the digest of their id (the id itself, the
    /// browser's cookie, is never stored). Saving also forgets sessions past their end.
    func saveSession(_ session: SharedConsoleSession) async throws
    func session(digest: String) async throws -> SharedConsoleSession?
    /// Signs a session out on every gateway (each hears `sessionEnded`).
    func removeSession(digest: String) async throws
    /// Of these digests, the ones whose sessions are still stored.
    func storedSessions(among digests: [String]) async throws -> Set<String>
    /// Keeps the link to the database (and the lead, when this gateway has it) until cancelled.
    func run() async
}

/// A write one of the gateways made.
public enum StoreNotice: Sendable, Equatable {
    /// Acknowledgements of these commands were stored.
    case acknowledged([UUID])
    /// These commands were stored or their state changed (published, settled).
    case commandsChanged([UUID])
    /// Records a gateway caches changed: its cached reads of them are stale.
    case recordsChanged(CachedRecords)
    /// A console session was signed out (or expired and was cleared) on some gateway.
    case sessionEnded(digest: String)
    /// The link that carries notices is up, first or again: what was written before may not have been told, so
    /// every cached read is stale and every waiter should look again.
    case resumed
}

/// The records `CachingStore` keeps answers of, in the groups it forgets them by.
public enum CachedRecords: String, Sendable, CaseIterable {
    case keys
    /// Devices and groups: a write to either can change what the other answers.
    case fleet
    case actions
}

/// A web console session as gateways sharing a database keep it (`ConsoleSessions`).
public struct SharedConsoleSession: Sendable, Equatable {
    /// SHA-256 of the session id, hex.
    public var digest: String
    /// The CSRF token the page sends back (double submit); useless without the session's cookie.
    public var csrfToken: String
    public var expiresAt: Date
    /// The admin token's generation at sign-in.
    public var tokenGeneration: UInt64

    public init(digest: String, csrfToken: String, expiresAt: Date, tokenGeneration: UInt64) {
        self.digest = digest
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
        self.tokenGeneration = tokenGeneration
    }
}
