import Foundation
import HookcastCore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// How gateways on one PostgreSQL database coordinate (`StoreSharing`), over one connection of each gateway's own:
/// - it listens on the channel `hookcast`, where the schema's triggers announce acknowledgements, new commands and
///   changed records (`PostgresMigration.sharedByGateways`);
/// - it leads while it holds a session-level advisory lock, asked for every second while it does not; PostgreSQL
///   releases that lock when the connection ends, so when a leader's process dies another takes over within a
///   second, and when its machine vanishes, once the server's TCP keepalives (set below) give up on it;
/// - while leading it checks the connection every second and steps down as soon as a check fails or takes longer
///   than `checkTimeout`, before the server can have given the lock to another gateway.
/// A lost connection is made again every second. Each time it listens (the first time too) the gateway hears
/// `.resumed`: notices sent before that were missed.
final class PostgresSharing: StoreSharing {
    /// "hookgate" in ASCII: the leader's lock.
    static let leaderLockKey: Int64 = 0x686f_6f6b_6761_7465
    static let channel = "hookcast"
    static let interval = Duration.seconds(1)
    static let checkTimeout = Duration.seconds(3)
    /// The server gives up on a silent connection after 5 s idle and 3 probes a second apart: it then ends the
    /// session and frees the lock. Longer than `checkTimeout` + `interval`, so a cut-off leader steps down first.
    static let keepaliveSettings = [
        "SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 1", "SET tcp_keepalives_count = 3",
    ]

    private struct Listeners {
        var leading = false
        var nextID: UInt64 = 0
        var leadership: [UInt64: AsyncStream<Bool>.Continuation] = [:]
        var notices: [UInt64: AsyncStream<StoreNotice>.Continuation] = [:]
        var finished = false
    }

    private let location: PostgresLocation
    let pool: PostgresPool
    private let logger: Logger
    private let listeners = Mutex(Listeners())

    init(location: PostgresLocation, pool: PostgresPool, logger: Logger) {
        self.location = location
        self.pool = pool
        self.logger = logger
    }

    func leadership() -> AsyncStream<Bool> {
        subscribe(\.leadership, first: { leading in leading })
    }

    func notices() -> AsyncStream<StoreNotice> {
        subscribe(\.notices, first: { _ in nil })
    }

    /// A stream registered under `listeners`, starting with `first` of the lead as it stands (when not nil), and
    /// finished at once if `run` has ended.
    private func subscribe<Element: Sendable>(
        _ listeners: any WritableKeyPath<Listeners, [UInt64: AsyncStream<Element>.Continuation]> & Sendable,
        first: (Bool) -> Element?
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self)
        let (id, leading, finished) = self.listeners.withLock { state in
            state.nextID += 1
            if !state.finished { state[keyPath: listeners][state.nextID] = continuation }
            return (state.nextID, state.leading, state.finished)
        }
        if let element = first(leading) { continuation.yield(element) }
        if finished { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0[keyPath: listeners].removeValue(forKey: id) }
        }
        return stream
    }

    func agree(on name: String, proposing value: String) async throws -> String {
        try await pool.write { [logger, location] connection in
            try await connection.rows(
                "INSERT INTO gateway_settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING",
                logger: logger)
            let rows = try await connection.rows(
                "SELECT value FROM gateway_settings WHERE name = \(name)", logger: logger)
            guard let stored = try rows.first?.values().string("value") else {
                throw StoreError.unavailable("PostgreSQL at \(location) lost the setting \(name) just written.")
            }
            return stored
        }
    }

    func run() async {
        while !Task.isCancelled {
            do {
                try await session()
            } catch  where error is CancellationError || Task.isCancelled {
                break
            } catch {
                logger.warning(
                    "lost the database connection gateways coordinate on; connecting again",
                    metadata: ["store": "\(location)", "error": "\(postgresReason(error))"])
            }
            setLeading(false)
            guard (try? await Task.sleep(for: Self.interval)) != nil else { break }
        }
        setLeading(false)
        let (leadership, notices) = listeners.withLock { listeners in
            listeners.finished = true
            defer {
                listeners.leadership = [:]
                listeners.notices = [:]
            }
            return (Array(listeners.leadership.values), Array(listeners.notices.values))
        }
        for continuation in leadership { continuation.finish() }
        for continuation in notices { continuation.finish() }
    }

    /// One connection's life: listening, and leading or asking to lead, until the connection fails (thrown) or
    /// the task is cancelled. Abandoned once the connection is closed, since a query that was in flight then may
    /// never answer (`abandoningWhenClosed`); the lead check closes it when the server stops answering.
    private func session() async throws {
        let connection = try await PostgresDirectConnection.connect(location, logger: logger)
        do {
            try await abandoningWhenClosed(isClosed: { connection.isClosed }) {
                try await self.listenAndLead(on: connection)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func listenAndLead(on connection: PostgresConnection) async throws {
        for setting in Self.keepaliveSettings {
            try await connection.query(PostgresQuery(unsafeSQL: setting), logger: logger)
        }
        try await connection.listen(on: Self.channel) { notifications in
            announce(.resumed)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await notification in notifications {
                        if let notice = Self.notice(notification.payload) { self.announce(notice) }
                    }
                    throw StoreError.unavailable("the notification stream ended")
                }
                group.addTask { try await self.lead(on: connection) }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Asks for the lead every second until it has it, then checks every second that it still may. A check that
    /// takes longer than `checkTimeout` steps down at once and closes the connection, which fails the check.
    private func lead(on connection: PostgresConnection) async throws {
        while true {
            let leading = listeners.withLock { $0.leading }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    if leading {
                        try await connection.query("SELECT 1", logger: self.logger)
                    } else {
                        let rows = try await connection.query(
                            "SELECT pg_try_advisory_lock(\(Self.leaderLockKey)) AS taken", logger: self.logger
                        ).collect()
                        if try rows.first?.values().bool("taken") == true { self.setLeading(true) }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: Self.checkTimeout)
                    self.setLeading(false)
                    try? await connection.close()
                    throw StoreError.unavailable("the database did not answer within \(Self.checkTimeout)")
                }
                try await group.next()
                group.cancelAll()
            }
            try await Task.sleep(for: Self.interval)
        }
    }

    private func setLeading(_ leading: Bool) {
        let continuations = listeners.withLock { listeners -> [AsyncStream<Bool>.Continuation] in
            guard listeners.leading != leading else { return [] }
            listeners.leading = leading
            return Array(listeners.leadership.values)
        }
        guard !continuations.isEmpty else { return }
        logger.notice(
            leading ? "this gateway leads: it runs the outbox, redelivery and reconciliation" : "no longer leading",
            metadata: ["store": "\(location)"])
        for continuation in continuations { continuation.yield(leading) }
    }

    private func announce(_ notice: StoreNotice) {
        for continuation in listeners.withLock({ Array($0.notices.values) }) { continuation.yield(notice) }
    }

    /// "a:ID,ID", "c:ID,ID" or "r:RECORDS", as the triggers send them; nil for anything else.
    static func notice(_ payload: String) -> StoreNotice? {
        let parts = payload.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let body = parts[1]
        switch parts[0] {
        case "a": return .acknowledged(body.split(separator: ",").compactMap { UUID(uuidString: String($0)) })
        case "c": return .commandsChanged(body.split(separator: ",").compactMap { UUID(uuidString: String($0)) })
        case "r": return CachedRecords(rawValue: String(body)).map { .recordsChanged($0) }
        case "e": return body.isEmpty ? nil : .sessionEnded(digest: String(body))
        default: return nil
        }
    }
}
