import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport

/// A mosquitto of the test's own, started from the shipped broker.conf with the built Hookcast plugin in place of
/// the access-control block, one gateway account (`gateway`), and mosquitto's own clients to talk to it.
final class PluginBroker: Sendable {
    static let gatewayName = "gateway"
    let broker: TestBroker
    let gatewayPassword: String
    /// Holds the gateway accounts file, which the broker reads at start-up; removed with the broker.
    private let files: URL

    /// Starts the broker; `gatewayAccounts` is the file's text (nil: the one gateway account), `extraConfiguration`
    /// lines come after the plugin's.
    init(gatewayAccounts: String? = nil, extraConfiguration: [String] = []) async throws {
        files = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let password = UUID().uuidString
        gatewayPassword = password
        try Self.writeGatewayAccounts(
            gatewayAccounts
                ?? "# the test's gateway\n\(Self.gatewayName):\(StoredCredential(password: password).hex)\n",
            in: files)
        do {
            broker = try await TestBroker(
                access: .open,
                extraConfiguration: [
                    "allow_anonymous false",
                    "plugin \(try Self.pluginPath())",
                    "plugin_opt_state_dir hookcast-accounts",
                    "plugin_opt_gateway_accounts \(Self.gatewayAccountsFile(in: files).path)",
                    "plugin_opt_topic_prefix \(testTopics.root)",
                    "log_type information",
                ] + extraConfiguration)
        } catch {
            // No deinit runs for an object that failed to initialize.
            try? FileManager.default.removeItem(at: files)
            throw error
        }
    }

    static func gatewayAccountsFile(in files: URL) -> URL { files.appendingPathComponent("gateway-accounts") }

    /// Replaces the gateway accounts file (the broker reads it at start-up and on SIGHUP).
    func writeGatewayAccounts(_ contents: String) throws {
        try Self.writeGatewayAccounts(contents, in: files)
    }

    private static func writeGatewayAccounts(_ contents: String, in files: URL) throws {
        let file = gatewayAccountsFile(in: files)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        // Run as root, mosquitto drops to its own user, which must read the file.
        if getuid() == 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: files.path)
            try FileManager.default.setAttributes(
                [.ownerAccountName: "mosquitto", .posixPermissions: 0o600], ofItemAtPath: file.path)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: files)
    }

    /// HOOKCAST_TEST_BROKER_PLUGIN (scripts/test sets it), else the library beside the test binary.
    static func pluginPath() throws -> String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("libhookcast-broker-plugin.so").path
        let candidates = [ProcessInfo.processInfo.environment["HOOKCAST_TEST_BROKER_PLUGIN"], beside].compactMap { $0 }
        guard let found = candidates.first(where: FileManager.default.fileExists(atPath:)) else {
            throw PluginNotBuilt(looked: candidates)
        }
        return found
    }

    var port: Int { broker.port }

    /// Sends `request` from a gateway account with `mosquitto_rr` (MQTT v5, response topic and correlation data)
    /// and returns the correlation data and the response as they arrived.
    func control(
        _ request: String, correlation: String = "corr-\(UUID().uuidString.prefix(8))",
        as account: (username: String, password: String)? = nil
    ) async throws -> (correlation: String, response: BrokerControlResponse) {
        let (username, password) = account ?? (Self.gatewayName, gatewayPassword)
        let clientID = "gateway-test-\(UUID().uuidString.prefix(8))"
        let output = try await MosquittoClient.run(
            "mosquitto_rr",
            [
                "-h", "127.0.0.1", "-p", String(port), "-u", username, "-P", password, "-i", clientID,
                "-t", BrokerControl.requestTopic, "-e", "\(BrokerControl.responseTopic)/\(clientID)",
                "-D", "publish", "correlation-data", correlation, "-q", "1", "-W", "60",
                "-F", "%D|%p", "-m", request,
            ])
        guard let line = output.split(separator: "\n").first(where: { $0.contains("|{") }),
            let bar = line.firstIndex(of: "|")
        else { throw NoAnswer(output: output) }
        let response = try JSONDecoder().decode(
            BrokerControlResponse.self, from: Data(line[line.index(after: bar)...].utf8))
        return (String(line[..<bar]), response)
    }

    func control(_ commands: BrokerControlCommand...) async throws -> [BrokerControlResult] {
        let json = String(decoding: try JSONEncoder().encode(BrokerControlRequest(commands: commands)), as: UTF8.self)
        return try await control(json).response.results
    }

    /// The plugin's digest of its device accounts.
    func digest() async throws -> BrokerControlResult {
        let results = try await control(.digest)
        guard let result = results.first else { throw NoAnswer(output: "\(results)") }
        return result
    }

    /// Publishes one QoS 1 message as the gateway (MQTT v5).
    func publishAsGateway(_ topic: String, _ message: String = "{}") async throws {
        _ = try await MosquittoClient.run(
            "mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", String(port), "-V", "5", "-q", "1", "-u", Self.gatewayName, "-P",
                gatewayPassword, "-i", "gateway-pub-\(UUID().uuidString.prefix(8))", "-t", topic, "-m", message,
            ])
    }

    /// A device's `mosquitto_sub` on `filters`.
    func subscriber(
        _ id: String, password: String?, clientID: String? = nil, filters: [String], payloads: Bool = false
    ) async throws -> MosquittoSubscriber {
        try await MosquittoSubscriber(
            port: port, username: id, password: password, clientID: clientID ?? id, filters: filters,
            payloads: payloads)
    }
}

/// mosquitto's command-line clients, run to their end.
enum MosquittoClient {
    /// Runs `/usr/bin/<name>` and returns its output once it exits (it is stopped after `limit`).
    static func run(_ name: String, _ arguments: [String], limit: Duration = .seconds(120)) async throws -> String {
        try await runProgram("/usr/bin/\(name)", arguments, limit: limit)
    }

    /// Runs `path` and returns its output once it exits (it is stopped after `limit`).
    static func runProgram(_ path: String, _ arguments: [String], limit: Duration = .seconds(120)) async throws
        -> String
    {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hookcast-\(name)-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ChildProcess(
            executable: path, arguments: arguments, directory: FileManager.default.temporaryDirectory,
            logFile: log)
        let started = ContinuousClock.now
        while process.isRunning {
            guard ContinuousClock.now - started < limit else {
                await process.stop()
                throw ClientDidNotFinish(name: name)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }
}

struct ClientDidNotFinish: Error, CustomStringConvertible {
    let name: String
    var description: String { "\(name) did not finish" }
}

struct PluginNotBuilt: Error, CustomStringConvertible {
    let looked: [String]
    var description: String {
        "the broker plugin is not built (looked at \(looked)); run scripts/test, or swift build --product "
            + "hookcast-broker-plugin"
    }
}

struct NoAnswer: Error, CustomStringConvertible {
    let output: String
    var description: String { "no control answer; client output: \(output)" }
}

extension BrokerDeviceAccount {
    /// An account whose password is `password`.
    static func make(_ id: String, password: String, groups: [String] = []) throws -> BrokerDeviceAccount {
        BrokerDeviceAccount(
            id: try DeviceID(id), credential: StoredCredential(password: password).hex,
            groups: try groups.map { try GroupID($0) })
    }
}
