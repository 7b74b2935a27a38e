import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto

/// `hookcast serve` (release build) with its embedded SQLite store in the benchmark's data directory, its
/// devices registered in bulk and an action per event id. The broker has access control on (bench/README.md): the
/// gateway logs in with the gateway account and manages the devices' accounts in the broker plugin
/// (`--device-accounts plugin`); each import answers the new devices' passwords, which the fleet logs in with. The
/// per-key rate limit is lifted, since the benchmark is one client sending far above any single integrator's rate.
final class HookcastTarget: WebhookTarget {
    let name = "hookcast"
    let label = "Hookcast"
    let path = "/public-api/integration/webhooks"
    let supportsGroups = true
    static let clientID = "hookcast-bench-gateway"

    let hookcast: String
    let mqttPort: Int
    let topics: Topics
    let dataDirectory: URL
    let logDirectory: URL
    let accounts: BenchAccounts
    let adminToken = "hka_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    private(set) var port = 0
    private(set) var process: BenchProcess?
    private var apiKey: String?
    private var registered = 0
    /// Device id → broker password, for devices imported since `takeDevicePasswords()`.
    private var devicePasswords: [String: String] = [:]
    private var actionsCreated = false
    private var starts = 0

    init(
        hookcast: String, mqttPort: Int, topics: Topics, dataDirectory: URL, logDirectory: URL, accounts: BenchAccounts
    ) {
        self.hookcast = hookcast
        self.mqttPort = mqttPort
        self.topics = topics
        self.dataDirectory = dataDirectory
        self.logDirectory = logDirectory
        self.accounts = accounts
    }

    var headers: [(name: String, value: String)] { [("x-webhook-apikey", apiKey ?? "")] }
    var memory: ResidentMemory? { process?.memory }
    var processID: pid_t? { process?.pid }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    private var admin: [String: String] { ["Authorization": "Bearer \(adminToken)"] }

    func start(fleetSize: Int) async throws {
        starts += 1
        port = try FreePort.find()
        let process = try BenchProcess(
            name: "gateway-\(starts)", executable: hookcast,
            arguments: [
                "serve", "--port", String(port), "--data-dir", dataDirectory.path, "--mqtt-port", String(mqttPort),
                "--mqtt-client-id", Self.clientID, "--mqtt-credentials", accounts.gatewayCredentialsFile.path,
                "--topic-prefix", topics.root,
                "--device-accounts", "plugin", "--log-level", "warning",
                "--rate-limit", "1000000", "--rate-burst", "1000000", "--max-concurrent-requests", "4096",
            ],
            environment: ["HOOKCAST_ADMIN_TOKEN": adminToken], logDirectory: logDirectory)
        self.process = process
        try await BenchHTTP.waitUntilReady(port: port, process: process)
        if apiKey == nil {
            let key = try await BenchHTTP.expectSuccess(
                "POST", "\(baseURL)/api/v1/keys", headers: admin,
                json: ["name": "bench", "rate_limit": ["per_second": 1_000_000, "burst": 1_000_000]])
            apiKey = key["key"] as? String
        }
        try await register(upTo: fleetSize)
        if !actionsCreated { try await createActions() }
    }

    func stop() async {
        await process?.stop()
        process = nil
    }

    /// The broker passwords of the devices imported since the last call, by device id; each is answered once.
    func takeDevicePasswords() -> [String: String] {
        defer { devicePasswords = [:] }
        return devicePasswords
    }

    /// Registers devices `registered + 1 … size` in one import, every tenth in the group. Only devices not yet
    /// registered: the import answers passwords for the devices it creates and leaves existing ones' alone.
    private func register(upTo size: Int) async throws {
        guard size > registered else { return }
        let ids = ((registered + 1)...size).map(BenchFleet.deviceID)
        let rows: [[String: Any]] = ((registered + 1)...size).map { index in
            var row: [String: Any] = ["id": BenchFleet.deviceID(index)]
            if BenchEvents.isInGroup(index) { row["groups"] = [BenchEvents.groupID] }
            return row
        }
        let began = ContinuousClock.now
        let answer = try await BenchHTTP.expectSuccess(
            "POST", "\(baseURL)/api/v1/devices/import", headers: admin, json: rows)
        let passwords = answer["mqtt_passwords"] as? [String: String] ?? [:]
        let missing = ids.filter { passwords[$0] == nil }
        guard missing.isEmpty else {
            throw BenchHTTP.Failure(
                description: "the import answered no broker password for \(missing.count) devices (first \(missing[0]))"
            )
        }
        devicePasswords.merge(passwords) { _, new in new }
        BenchLog.line("hookcast: registered devices \(registered + 1)…\(size) in \(ContinuousClock.now - began)")
        registered = size
    }

    private func createActions() async throws {
        func action(_ event: String, _ target: [String: Any]) -> [String: Any] {
            ["event_id": event, "function": "send_sensor_event", "target": target, "ttl_seconds": 600]
        }
        var actions = (1...BenchEvents.deviceEvents).map {
            action(BenchEvents.device($0), ["kind": "device", "id": BenchFleet.deviceID($0)])
        }
        actions.append(action(BenchEvents.all, ["kind": "all"]))
        actions.append(action(BenchEvents.tenthGroup, ["kind": "group", "id": BenchEvents.groupID]))
        for body in actions {
            try await BenchHTTP.expectSuccess("POST", "\(baseURL)/api/v1/actions", headers: admin, json: body)
        }
        actionsCreated = true
    }

    /// Removes the gateway's broker session while it is stopped, so the acknowledgements of the peers' runs are
    /// not queued for it (the broker would hand it hundreds of thousands of unknown ones at its next start).
    func forgetBrokerSession() async throws {
        let login = try accounts.gatewayLogin()
        let client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: Self.clientID, username: login.username, password: login.password,
                cleanStart: true, sessionExpiryInterval: 0))
        try await client.connect()
        await client.disconnect()
    }
}
