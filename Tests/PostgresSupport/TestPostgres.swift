import Foundation
import HookcastPostgres
import HookcastTestSupport
import Synchronization

/// A PostgreSQL server owned by one test, for faults the shared one must not suffer (a stop in the middle of a
/// stream): `initdb` in a private directory, `postgres` started directly on a free loopback port (its pid is the
/// server's own) and stopped by that pid. Run as root, it runs as Debian's `postgres` user, as scripts/test's does.
public final class TestPostgres: Sendable {
    public let port: Int
    public let directory: URL
    private let process = Mutex<ChildProcess?>(nil)

    public init() async throws {
        port = try FreePort.find()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-postgres-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory.path)
        }
        let initdb = try Self.run(
            "initdb",
            ["-D", dataDirectory, "-U", "hookcast", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            in: directory)
        guard await initdb.exitStatus() == 0 else { throw TestPostgresError.initdbFailed(log: log) }
        try await start()
    }

    deinit {
        // Fast shutdown (SIGINT), not smart (SIGTERM): that one waits for every client to disconnect, and a test's
        // store may still hold connections. The directory goes once the server has exited.
        ChildProcess.end(process.withLock { $0 }, with: SIGINT, thenRemoving: directory)
    }

    /// The database every test of this server uses, made on first start.
    public var location: PostgresLocation {
        get throws { try PostgresLocation(url: "postgres://hookcast@127.0.0.1:\(port)/postgres?sslmode=disable") }
    }

    /// Starts the server (again, after `stop`) on the same port and data, and waits until it listens.
    public func start() async throws {
        let started = try Self.run(
            "postgres",
            [
                "-D", dataDirectory, "-p", String(port), "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=\(directory.path)",
            ], in: directory)
        process.withLock { $0 = started }
        try await FreePort.waitUntilListening(port: port, timeout: .seconds(30)) { started.isRunning }
        // Listening comes before accepting queries ("the database system is starting up").
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await SharedPostgres.administer(port: port, "SELECT 1")) == nil {
            guard ContinuousClock.now < deadline, started.isRunning else { throw TestPostgresError.notReady(log: log) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// PostgreSQL's fast shutdown (SIGINT): clients are disconnected, open transactions rolled back.
    public func stop() async {
        await process.withLock { $0 }?.stop(with: SIGINT)
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }
    private var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("postgres.log"), encoding: .utf8)) ?? ""
    }

    /// Runs one of the server's programs, as `postgres` when this process is root (PostgreSQL refuses root).
    private static func run(_ program: String, _ arguments: [String], in directory: URL) throws -> ChildProcess {
        let binary = try serverBinaries().appendingPathComponent(program).path
        let asPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", binary]
        return try ChildProcess(
            executable: getuid() == 0 ? "/usr/bin/setpriv" : binary,
            arguments: getuid() == 0 ? asPostgres + arguments : arguments, directory: directory,
            logFile: directory.appendingPathComponent("postgres.log"))
    }

    /// The newest of Debian's /usr/lib/postgresql/VERSION/bin.
    private static func serverBinaries() throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.compactMap(Int.init) ?? []
        guard let newest = versions.max() else { throw TestPostgresError.notInstalled }
        return root.appendingPathComponent("\(newest)/bin")
    }
}

public enum TestPostgresError: Error, CustomStringConvertible {
    case notInstalled
    case initdbFailed(log: String)
    case notReady(log: String)

    public var description: String {
        switch self {
        case .notInstalled: "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"
        case .initdbFailed(let log): "initdb failed: \(log.suffix(2000))"
        case .notReady(let log): "PostgreSQL did not accept queries within 30 s: \(log.suffix(2000))"
        }
    }
}
