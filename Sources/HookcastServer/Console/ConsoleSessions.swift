import Crypto
import Foundation
import HookcastCore
import Synchronization

/// The web console's signed-in sessions. A session is created by presenting the admin token once; the browser
/// then holds only a random session id in an HttpOnly cookie, never the token. Kept in memory: a gateway restart
/// signs everyone out, which is the safe direction to fail. Gateways sharing a database (`shared`) also keep each
/// session there, by its id's digest, so a console signed in on one is signed in on all (`start`, `resolve`,
/// `end`), and a sign-out anywhere reaches every gateway (`forget`, from `StoreNotice.sessionEnded`).
///
/// Open event streams watch for sessions ending (`watchRemovals`): a sign-out ends its streams at once, an expiry
/// at their next keep-alive.
final class ConsoleSessions: Sendable {
    struct Session: Sendable {
        /// Sent back by the page in `X-CSRF-Token` on every state-changing call (double submit): a page on
        /// another origin cannot read it, so it cannot forge those calls even if a cookie went along.
        let csrfToken: String
        let expiresAt: Date
        /// The admin token's generation at sign-in: a rotated token ends the sessions it opened.
        var tokenGeneration: UInt64 = 0
    }

    /// A session ends this long after sign-in, however busy it was.
    let lifetime: TimeInterval
    /// Beyond this many live sessions the oldest is dropped, so sign-ins cannot grow memory without bound.
    let capacity: Int
    /// The time sessions expire by; a test moves it.
    let clock: @Sendable () -> Date
    /// The admin token's generation now (`AdminToken.generation`).
    let tokenGeneration: @Sendable () -> UInt64
    private let sessions = Mutex<[String: Session]>([:])
    private let removalWatchers = Mutex<[UInt64: @Sendable () -> Void]>([:])
    private let nextWatcher = Atomic<UInt64>(0)
    /// The database other gateways share, where sessions are kept for all of them; nil alone.
    let shared: (any StoreSharing)?

    init(
        lifetime: TimeInterval = 12 * 3600, capacity: Int = 1000, clock: @escaping @Sendable () -> Date = { Date() },
        tokenGeneration: @escaping @Sendable () -> UInt64 = { 0 }, shared: (any StoreSharing)? = nil
    ) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
        self.tokenGeneration = tokenGeneration
        self.shared = shared
    }

    /// Signs in: a new session, stored for the other gateways too when there are any (throws when it could not
    /// be, and then none was made).
    func start() async throws -> (id: String, session: Session) {
        let (id, session) = create()
        guard let shared else { return (id, session) }
        do {
            try await shared.saveSession(
                SharedConsoleSession(
                    digest: Self.digest(id), csrfToken: session.csrfToken, expiresAt: session.expiresAt,
                    tokenGeneration: session.tokenGeneration))
        } catch {
            remove(id)
            throw error
        }
        return (id, session)
    }

    /// The live session with this id: from memory, or else (sharing a database) as another gateway stored it.
    func resolve(_ id: String) async -> Session? {
        if let session = find(id) { return session }
        guard let shared, let stored = try? await shared.session(digest: Self.digest(id)) else { return nil }
        sessions.withLock {
            $0[stored.digest] = Session(
                csrfToken: stored.csrfToken, expiresAt: stored.expiresAt, tokenGeneration: stored.tokenGeneration)
        }
        // `find` judges it as it judges the sessions made here: past its end or its token, it is dropped.
        return find(id)
    }

    /// Signs out here and, sharing a database, on every gateway.
    func end(_ id: String) async {
        remove(id)
        try? await shared?.removeSession(digest: Self.digest(id))
    }

    /// Another gateway signed this session out: it ends here too, with its open event streams.
    func forget(digest: String) {
        let removed = sessions.withLock { $0.removeValue(forKey: digest) } != nil
        if removed { notifyRemoval() }
    }

    /// After the notices' link was down (`StoreNotice.resumed`): drops the sessions the database no longer has,
    /// since their sign-out may not have been heard.
    func revalidate() async {
        guard let shared else { return }
        let digests = sessions.withLock { Array($0.keys) }
        guard let stored = try? await shared.storedSessions(among: digests) else { return }
        for digest in digests where !stored.contains(digest) { forget(digest: digest) }
    }

    /// A new session: its id (the cookie's value) and its CSRF token.
    func create(now: Date? = nil) -> (id: String, session: Session) {
        let now = now ?? clock()
        let id = Self.randomToken()
        let session = Session(
            csrfToken: Self.randomToken(), expiresAt: now.addingTimeInterval(lifetime),
            tokenGeneration: tokenGeneration())
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > now }
            while sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                sessions[oldest.key] = nil
            }
            sessions[Self.digest(id)] = session
        }
        return (id, session)
    }

    /// The live session with this id, if any.
    func find(_ id: String, now: Date? = nil) -> Session? {
        let now = now ?? clock()
        let key = Self.digest(id)
        let generation = tokenGeneration()
        return sessions.withLock { sessions in
            guard let session = sessions[key] else { return nil }
            guard session.expiresAt > now, session.tokenGeneration == generation else {
                sessions[key] = nil
                return nil
            }
            return session
        }
    }

    func remove(_ id: String) {
        let key = Self.digest(id)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
        notifyRemoval()
    }

    /// Called outside the lock: a watcher wakes a stream, which then looks its own session up.
    private func notifyRemoval() {
        for watcher in removalWatchers.withLock({ Array($0.values) }) { watcher() }
    }

    /// Calls `watcher` whenever a session is removed (signed out), until `unwatch` with the returned id.
    func watchRemovals(_ watcher: @escaping @Sendable () -> Void) -> UInt64 {
        let id = nextWatcher.add(1, ordering: .relaxed).newValue
        removalWatchers.withLock { $0[id] = watcher }
        return id
    }

    func unwatch(_ id: UInt64) {
        _ = removalWatchers.withLock { $0.removeValue(forKey: id) }
    }

    /// Constant-time comparison of a presented CSRF token with the session's.
    static func tokensMatch(_ presented: String, _ expected: String) -> Bool {
        let a = Array(SHA256.hash(data: Data(presented.utf8)))
        let b = Array(SHA256.hash(data: Data(expected.utf8)))
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Sessions are looked up by the digest of their id, so the dictionary's hashing never compares secrets.
    static func digest(_ id: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Data(id.utf8))))
    }

    private static func randomToken() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }
}
