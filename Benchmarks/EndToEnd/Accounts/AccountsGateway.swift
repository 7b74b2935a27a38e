import Foundation
import HookcastProtocol
import HookcastTestSupport

/// `hookcast serve` for the broker-accounts benchmark: on an open broker with `--device-accounts none`, or on the
/// shipped (secure) broker with the plugin, logged in with the gateway account `hookcast broker-setup` made.
final class AccountsGateway {
    enum Accounts {
        case none
        case plugin(username: String, password: String)
    }

    let name: String
    let port: Int
    let process: BenchProcess
    let adminToken = "hka_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    private var apiKey: String?

    var baseURL: String { "http://127.0.0.1:\(port)" }
    private var admin: [String: String] { ["Authorization": "Bearer \(adminToken)"] }

    /// Under the broker's topic prefix (`TestBroker.topics`).
    init(name: String, hookcast: String, broker: TestBroker, accounts: Accounts, work: URL, logs: URL) async throws {
        self.name = name
        port = try FreePort.find()
        let dataDirectory = work.appendingPathComponent(name, isDirectory: true)
        var arguments = [
            "serve", "--port", String(port), "--data-dir", dataDirectory.path, "--mqtt-port", String(broker.port),
            "--mqtt-client-id", "hookcast-bench-\(name)", "--topic-prefix", broker.topics.root, "--log-level",
            "warning",
            "--rate-limit", "1000000", "--rate-burst", "1000000",
        ]
        var environment = ["HOOKCAST_ADMIN_TOKEN": adminToken]
        switch accounts {
        case .none:
            arguments += ["--device-accounts", "none"]
        case .plugin(let username, let password):
            arguments += ["--device-accounts", "plugin", "--mqtt-username", username]
            environment["HOOKCAST_MQTT_PASSWORD"] = password
        }
        process = try BenchProcess(
            name: name, executable: hookcast, arguments: arguments, environment: environment, logDirectory: logs)
        try await BenchHTTP.waitUntilReady(port: port, process: process)
    }

    func stop() async { await process.stop() }

    /// Registers `bench-<first>` … `bench-<last>` in one `POST /devices/import`; returns how long the gateway took
    /// to answer and the broker passwords it answered with (empty without device accounts).
    func importDevices(_ indices: ClosedRange<Int>) async throws -> (took: Duration, passwords: [String: String]) {
        let answer = try await send(try Self.importRequest(indices))
        return (answer.took, try Self.passwords(in: answer.body))
    }

    /// The body of an import of `bench-<first>` … `bench-<last>`, serialized ahead of `send`: the stall trials
    /// keep the harness's own JSON work (tens of milliseconds for 10,000 devices, at the harness's raised
    /// priority on the broker's core) out of the time they probe the broker.
    static func importRequest(_ indices: ClosedRange<Int>) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: indices.map { ["id": BenchFleet.deviceID($0)] }))
    }

    /// Sends an import made by `importRequest`; returns how long the gateway took to answer, and its answer
    /// unread (`passwords(in:)` reads it).
    func send(_ importRequest: [UInt8]) async throws -> (took: Duration, body: Data) {
        let began = ContinuousClock.now
        let (status, body) = try await BenchHTTP.request(
            "POST", "\(baseURL)/api/v1/devices/import", headers: admin, jsonBody: importRequest)
        let took = ContinuousClock.now - began
        guard (200..<300).contains(status) else {
            throw BenchHTTP.Failure(description: "import answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        return (took, body)
    }

    /// The broker passwords of an import's answer (empty without device accounts).
    static func passwords(in answer: Data) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any]
        return object?["mqtt_passwords"] as? [String: String] ?? [:]
    }

    /// Registers one device and returns its broker password (nil without device accounts).
    func createDevice(_ id: String) async throws -> String? {
        let answer = try await BenchHTTP.expectSuccess(
            "POST", "\(baseURL)/api/v1/devices", headers: admin, json: ["id": id])
        return answer["mqtt_password"] as? String
    }

    /// Removes a device (and, with accounts, its broker account).
    func deleteDevice(_ id: String) async throws {
        try await BenchHTTP.expectSuccess("DELETE", "\(baseURL)/api/v1/devices/\(id)", headers: admin)
    }

    /// One webhook to every device, answered once every acknowledgement is recorded (`?wait=30`, the most a wait
    /// may be); how long that took, and whether `devices` devices answered ok (not only `complete`, which a
    /// device that timed out does not spoil).
    func broadcast(event: String, devices: Int) async throws -> (took: Duration, complete: Bool) {
        if apiKey == nil {
            let key = try await BenchHTTP.expectSuccess(
                "POST", "\(baseURL)/api/v1/keys", headers: admin,
                json: ["name": "bench", "rate_limit": ["per_second": 1_000_000, "burst": 1_000_000]])
            apiKey = key["key"] as? String
            try await BenchHTTP.expectSuccess(
                "POST", "\(baseURL)/api/v1/actions", headers: admin,
                json: ["event_id": event, "function": "refresh_content", "target": ["kind": "all"], "ttl_seconds": 600])
        }
        let began = ContinuousClock.now
        let (status, body) = try await BenchHTTP.request(
            "POST", "\(baseURL)/public-api/integration/webhooks?wait=30",
            headers: ["x-webhook-apikey": apiKey ?? ""], json: ["event_id": event])
        let took = ContinuousClock.now - began
        guard status == 200 else {
            throw BenchHTTP.Failure(
                description: "broadcast answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        let answer = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        let ok = (answer["totals"] as? [String: Any])?["ok"] as? Int
        return (took, answer["complete"] as? Bool == true && ok == devices)
    }
}
