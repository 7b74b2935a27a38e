import Foundation
import HookcastCore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The store's connections to PostgreSQL, at most `maximum` at once, each made when a lease finds none idle.
///
/// Not PostgresNIO's `PostgresClient` pool: while the server is down, its lease waits until the pool's circuit
/// breaker trips (60 s, not configurable), so a webhook hung for a minute before its 503; and once the server is
/// back, the pool's backoff (up to a minute) kept failing requests long after (both measured with
/// StoreOutageTests). Here a lease that needs a connection tries to make one there and then: refused at once
/// while the server is down, made at the first request after it is back.
actor PostgresConnections {
    private let location: PostgresLocation
    private let logger: Logger
    private let maximum: Int
    /// How long a lease waits for a busy pool, and a connect for the server.
    private let patience: Duration
    private var idle: [PostgresConnection] = []
    /// Idle, leased and being made.
    private var open = 0
    private var waiting: [(id: UUID, continuation: CheckedContinuation<Handover, any Error>)] = []
    private var closed = false
    private var nextID = 1

    /// What a waiting lease gets: a connection someone released, or the room to make one.
    private enum Handover {
        case connection(PostgresConnection)
        case room
    }

    init(location: PostgresLocation, logger: Logger, patience: Duration = .seconds(5)) {
        self.location = location
        self.logger = logger
        self.maximum = location.maximumConnections
        self.patience = patience
    }

    /// A connection for the caller alone until `release`; throws `StoreError.unavailable` when the server cannot
    /// be reached or every connection stayed busy for `patience`.
    func lease() async throws -> PostgresConnection {
        guard !closed else { throw StoreError.unavailable("PostgreSQL at \(location) failed: the store is closed.") }
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
            open -= 1
        }
        if open < maximum {
            open += 1
            return try await connect()
        }
        switch try await wait() {
        case .connection(let connection): return connection
        case .room: return try await connect()
        }
    }

    /// Takes back a leased connection: kept for the next lease unless it closed (the server went away, or the
    /// caller closed it because its state is unknown).
    func release(_ connection: PostgresConnection) {
        guard !closed, !connection.isClosed else {
            open -= 1
            Task { try? await connection.close() }
            if !waiting.isEmpty {
                open += 1
                waiting.removeFirst().continuation.resume(returning: .room)
            }
            return
        }
        if !waiting.isEmpty {
            waiting.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    /// Gives up on a leased connection that something may still be using (`PostgresPool`'s deadline): it is closed
    /// and no longer counted, and whoever holds it must not release it.
    func writeOff(_ connection: PostgresConnection) {
        open -= 1
        Task { try? await connection.close() }
        if !closed, !waiting.isEmpty {
            open += 1
            waiting.removeFirst().continuation.resume(returning: .room)
        }
    }

    /// Closes the idle connections, and the leased ones as they come back; later leases fail.
    func close() async {
        closed = true
        let connections = idle
        idle = []
        open -= connections.count
        for waiter in waiting {
            waiter.continuation.resume(throwing: StoreError.unavailable("PostgreSQL at \(location): the store closed."))
        }
        waiting = []
        for connection in connections { try? await connection.close() }
    }

    /// Makes a connection in the room `open` already counts; gives the room back when it fails.
    private func connect() async throws -> PostgresConnection {
        do {
            var configuration = try PostgresDirectConnection.configuration(location)
            configuration.options.connectTimeout = .milliseconds(Int64(patience / .milliseconds(1)))
            let id = nextID
            nextID += 1
            return try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger)
        } catch {
            open -= 1
            throw StoreError.unavailable("PostgreSQL at \(location) could not be reached: \(postgresReason(error)).")
        }
    }

    /// Queues for a released connection (or the room of one that closed), `patience` at most.
    private func wait() async throws -> Handover {
        let id = UUID()
        let patience = patience
        let timeout = Task { [weak self] in
            try await Task.sleep(for: patience)
            await self?.giveUp(id)
        }
        defer { timeout.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append((id, continuation))
        }
    }

    private func giveUp(_ id: UUID) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(
            throwing: StoreError.unavailable(
                "PostgreSQL at \(location): all \(maximum) connections stayed busy for \(patience)."))
    }
}
