import Foundation

/// A mosquitto process owned by a test: started from the repository's `broker.conf` on a free loopback port,
/// in a private directory, and stopped by its pid.
public final class TestBroker: @unchecked Sendable {
    // @unchecked Sendable: `process` is only replaced by start/restart, which tests call from one task at a time;
    // everything else is immutable.
    public let port: Int
    public let directory: URL
    private var process: ChildProcess?

    /// Starts a broker; `extraConfiguration` lines are appended to the shipped configuration.
    public init(port: Int? = nil, extraConfiguration: [String] = []) throws {
        self.port = try port ?? FreePort.find()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hookcast-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = try Self.testConfiguration(port: self.port, extra: extraConfiguration)
        try configuration.write(to: directory.appendingPathComponent("broker.conf"), atomically: true, encoding: .utf8)
        // Run as root, mosquitto drops to the `mosquitto` user, which must be able to write its database here.
        if getuid() == 0 {
            try? FileManager.default.setAttributes([.ownerAccountName: "mosquitto"], ofItemAtPath: directory.path)
        }
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    public var pid: Int32? { process?.pid }

    public func start() throws {
        process = try ChildProcess(
            executable: try Self.mosquittoExecutable().path,
            arguments: ["-c", directory.appendingPathComponent("broker.conf").path],
            directory: directory,
            logFile: directory.appendingPathComponent("broker.log"))
        try FreePort.waitUntilListening(port: port, timeout: 10)
    }

    /// SIGTERM: mosquitto saves its database and exits.
    public func stop() {
        process?.terminate()
    }

    /// SIGKILL: a crash, nothing saved beyond what autosave already wrote.
    public func kill() {
        process?.kill()
    }

    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("broker.log"), encoding: .utf8)) ?? ""
    }

    static func testConfiguration(port: Int, extra: [String]) throws -> String {
        let shipped = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("broker.conf"), encoding: .utf8)
        var replaced = false
        let lines = shipped.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            // Only the first (plain) listener: an enabled TLS listener keeps its own port, as in scripts/run.
            guard !replaced, line.hasPrefix("listener ") else { return String(line) }
            replaced = true
            return "listener \(port) 127.0.0.1"
        }
        guard replaced else { throw TestBrokerError.noListenerLine }
        return (lines + extra).joined(separator: "\n") + "\n"
    }

    static func mosquittoExecutable() throws -> URL {
        for path in ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw TestBrokerError.mosquittoNotInstalled
    }
}

public enum TestBrokerError: Error, CustomStringConvertible {
    case noListenerLine
    case mosquittoNotInstalled
    case notListening(port: Int)

    public var description: String {
        switch self {
        case .noListenerLine: return "broker.conf has no `listener` line to point at the test port"
        case .mosquittoNotInstalled: return "mosquitto is not installed; run scripts/test, which installs it"
        case .notListening(let port): return "nothing listens on 127.0.0.1:\(port)"
        }
    }
}

/// Where the repository's files are, found from this source file's path.
public enum RepositoryFiles {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
