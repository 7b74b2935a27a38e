import Foundation
import HookcastProtocol

/// A mosquitto process owned by a test: started from the repository's `broker.conf` on a free loopback port,
/// in a private directory, and stopped by its pid.
///
/// `.secure` is the shipped configuration as it is: no anonymous clients, accounts in Hookcast's broker plugin
/// (the one named by `HOOKCAST_TEST_BROKER_PLUGIN`, which scripts/test builds and exports), its gateway account set
/// up by `hookcast broker-setup` (whose gateway credentials are in `gatewayCredentials`). `.open` replaces the
/// access-control block with `allow_anonymous true`, for tests about everything else.
public final class TestBroker: @unchecked Sendable {
    public enum Access: Sendable {
        case open
        case secure
    }

    // @unchecked Sendable: `process` is only replaced by start/restart, which tests call from one task at a time;
    // everything else is immutable.
    public let port: Int
    public let directory: URL
    public let access: Access
    /// The plugin's `plugin_opt_topic_prefix`.
    public let topics: Topics
    private var process: ChildProcess?

    /// Starts a broker; `extraConfiguration` lines are appended to the shipped configuration. `topics`: the tests'
    /// prefix unless a caller (the benchmark's `--topic-prefix`) runs under another.
    public init(
        port: Int? = nil, access: Access = .open, extraConfiguration: [String] = [], topics: Topics = testTopics
    ) async throws {
        self.port = try port ?? FreePort.find()
        self.access = access
        self.topics = topics
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hookcast-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = try Self.testConfiguration(
            port: self.port, access: access, topics: topics, extra: extraConfiguration)
        try configuration.write(to: directory.appendingPathComponent("broker.conf"), atomically: true, encoding: .utf8)
        if access == .secure {
            try await Self.setUpAccounts(in: directory)
            // Made here, not by the plugin: loaded while mosquitto still runs as root, it would make it root's.
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(Self.pluginStateDirectory), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        // Run as root, mosquitto drops to the `mosquitto` user, which must be able to write its database and the
        // plugin's state here, and read the gateway accounts file.
        if getuid() == 0 {
            for name in [".", Self.pluginStateDirectory, "gateway-accounts"] {
                try? FileManager.default.setAttributes(
                    [.ownerAccountName: "mosquitto"], ofItemAtPath: directory.appendingPathComponent(name).path)
            }
        }
        try await start()
    }

    /// The gateway's account on a `.secure` broker.
    public var gatewayCredentials: (username: String, password: String) {
        get throws {
            let data = try Data(contentsOf: directory.appendingPathComponent("gateway.json"))
            guard let fields = try JSONSerialization.jsonObject(with: data) as? [String: String],
                let username = fields["username"], let password = fields["password"]
            else { throw TestBrokerError.noCredentials }
            return (username, password)
        }
    }

    /// broker.conf's `plugin_opt_state_dir`.
    static let pluginStateDirectory = "hookcast-accounts"

    /// Runs `hookcast broker-setup` for the plugin's gateway accounts and the gateway's credentials, as scripts/run
    /// does.
    private static func setUpAccounts(in directory: URL) async throws {
        let setup = try ChildProcess(
            executable: try HookcastExecutable.url().path,
            arguments: [
                "broker-setup", "--gateway-accounts-file", directory.appendingPathComponent("gateway-accounts").path,
                "--credentials-file", directory.appendingPathComponent("gateway.json").path,
            ],
            directory: directory, logFile: directory.appendingPathComponent("broker-setup.log"))
        let deadline = ContinuousClock.now + .seconds(60)
        while setup.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("gateway.json").path) else {
            throw TestBrokerError.noCredentials
        }
    }

    /// The broker saves its database into `directory` as it exits, so the directory goes after the exit, on a
    /// thread of its own (this may run on one of the concurrency pool's).
    deinit {
        ChildProcess.end(process, thenRemoving: directory)
    }

    public var pid: Int32? { process?.pid }

    /// Starts mosquitto and returns once it listens; throws with the end of its log if it exits or does not listen.
    public func start() async throws {
        let started = try ChildProcess(
            executable: try Self.mosquittoExecutable().path,
            arguments: ["-c", directory.appendingPathComponent("broker.conf").path],
            directory: directory,
            logFile: directory.appendingPathComponent("broker.log"))
        process = started
        do {
            try await FreePort.waitUntilListening(port: port, timeout: .seconds(30)) { started.isRunning }
        } catch {
            throw TestBrokerError.brokerNotListening(port: port, log: String(log.suffix(2_000)))
        }
    }

    /// SIGTERM: mosquitto saves its database and exits. Returns once it has, without holding a thread of the
    /// concurrency pool meanwhile (the pool has as many threads as cores, and every test running shares them).
    public func stop() async {
        await process?.stop()
    }

    /// SIGKILL: a crash, nothing saved beyond what autosave already wrote. Returns once the process is gone, so the
    /// port is free for a restart.
    public func kill() async {
        await process?.stop(with: SIGKILL)
    }

    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("broker.log"), encoding: .utf8)) ?? ""
    }

    /// The shipped file with the test's port, this machine's plugin path, the topic prefix and, for `.open`, the
    /// access-control block replaced (as scripts/lib/common.sh's `broker_conf` does).
    static func testConfiguration(port: Int, access: Access, topics: Topics, extra: [String]) throws -> String {
        let shipped = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("broker.conf"), encoding: .utf8)
        var replaced = false
        var insideAccessControl = false
        var lines: [String] = []
        for line in shipped.split(separator: "\n", omittingEmptySubsequences: false) {
            if access == .open && line.hasPrefix("# >>> access control") {
                insideAccessControl = true
                lines.append("allow_anonymous true")
            } else if insideAccessControl {
                if line.hasPrefix("# <<< access control") { insideAccessControl = false }
            } else if !replaced && line.hasPrefix("listener ") {
                // Only the first (plain) listener: an enabled TLS listener keeps its own port, as in scripts/run.
                replaced = true
                lines.append("listener \(port) 127.0.0.1")
            } else if access == .secure && line.hasPrefix("plugin ") && line.hasSuffix("libhookcast-broker-plugin.so") {
                lines.append("plugin \(try brokerPlugin())")
            } else if line.hasPrefix("plugin_opt_topic_prefix ") {
                lines.append("plugin_opt_topic_prefix \(topics.root)")
            } else {
                lines.append(String(line))
            }
        }
        guard replaced else { throw TestBrokerError.noListenerLine }
        return (lines + extra).joined(separator: "\n") + "\n"
    }

    /// Hookcast's broker plugin as scripts/test built it.
    static func brokerPlugin() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["HOOKCAST_TEST_BROKER_PLUGIN"],
            FileManager.default.fileExists(atPath: path)
        else { throw TestBrokerError.pluginNotBuilt }
        return path
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
    case pluginNotBuilt
    case noCredentials
    case notListening(port: Int)
    case brokerNotListening(port: Int, log: String)

    public var description: String {
        switch self {
        case .noListenerLine: return "broker.conf has no `listener` line to point at the test port"
        case .mosquittoNotInstalled: return "mosquitto is not installed; run scripts/test, which installs it"
        case .pluginNotBuilt:
            return "HOOKCAST_TEST_BROKER_PLUGIN names no built broker plugin; run scripts/test, which builds it"
        case .noCredentials: return "hookcast broker-setup wrote no gateway credentials (see broker-setup.log)"
        case .notListening(let port): return "nothing listens on 127.0.0.1:\(port)"
        case .brokerNotListening(let port, let log):
            return "mosquitto does not listen on 127.0.0.1:\(port); the end of its log:\n\(log)"
        }
    }
}

/// Where the repository's files are, found from this source file's path.
public enum RepositoryFiles {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
