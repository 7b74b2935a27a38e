import Foundation
import HookcastTestSupport

/// `hookcast serve` in a process of its own, on a data directory that outlives it, so a test can kill it with
/// SIGKILL and start it again where it left off.
final class GatewayProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only replaced by start/kill/stop, which a test calls from one task at a
    // time; everything else is immutable.
    let port: Int
    let dataDirectory: URL
    let client: GatewayClient
    private let mqttPort: Int
    private let acknowledgementDeadline: Int
    /// `--store`: nil for the SQLite file in the data directory.
    private let store: String?
    private let clientID = "gateway-\(UUID().uuidString.prefix(8))"
    private var process: ChildProcess?

    /// `sharing`: another gateway on the same `store`, whose master key this one gets (as an operator copies it).
    init(
        mqttPort: Int, acknowledgementDeadline: Int, store: String? = nil, sharing: GatewayProcess? = nil
    ) throws {
        port = try FreePort.find()
        dataDirectory = GatewayHarness.temporaryDirectory()
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        if let sharing {
            try FileManager.default.copyItem(
                at: sharing.dataDirectory.appendingPathComponent("master.key"),
                to: dataDirectory.appendingPathComponent("master.key"))
        }
        client = GatewayClient(port: port)
        self.mqttPort = mqttPort
        self.acknowledgementDeadline = acknowledgementDeadline
        self.store = store
    }

    /// A test that failed before `stop` leaves a running gateway: its graceful stop, then the removal of its data,
    /// run on a thread of their own (this may run on one of the concurrency pool's).
    deinit {
        ChildProcess.end(process, thenRemoving: dataDirectory)
    }

    var pid: Int32? { process?.pid }

    var log: String {
        (try? String(contentsOf: dataDirectory.appendingPathComponent("gateway.log"), encoding: .utf8)) ?? ""
    }

    /// Whether it says it leads among the gateways sharing its database (false when it does not answer).
    func isLeading() async -> Bool {
        (try? await client.request(.get, "/readyz"))?["leading"] == .bool(true)
    }

    /// Starts the process and returns once it answers HTTP (connected to the broker or not).
    func start() async throws {
        process = try ChildProcess(
            executable: try HookcastExecutable.url().path,
            arguments: [
                "serve", "--port", String(port), "--data-dir", dataDirectory.path, "--mqtt-port", String(mqttPort),
                "--ack-deadline", String(acknowledgementDeadline), "--mqtt-client-id", clientID,
                "--log-level", "notice", "--topic-prefix", testTopics.root,
                // The fault suite's brokers are open (its subject is delivery, not access control).
                "--device-accounts", "none",
            ]
                // Two gateways share a store in these tests; a short session lets the broker stop handing a killed
                // one its share of the acknowledgements soon (docs/scaling.md).
                + (store.map { ["--store", $0, "--instances", "2", "--mqtt-session-expiry", "5"] } ?? []),
            environment: ["HOOKCAST_ADMIN_TOKEN": GatewayHarness.adminToken],
            directory: dataDirectory,
            logFile: dataDirectory.appendingPathComponent("gateway.log"))
        let client = client
        try await withTimeout(.seconds(30), "gateway process answering HTTP") {
            while (try? await client.request(.get, "/healthz"))?.status != .ok {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// SIGKILL: a crash, nothing flushed beyond what the gateway had already committed.
    func kill() {
        process?.kill()
        process = nil
    }

    func stop() async {
        await process?.stop()
        process = nil
    }
}
