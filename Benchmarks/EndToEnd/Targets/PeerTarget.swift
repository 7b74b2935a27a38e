import Foundation
import HookcastProtocol
import HookcastTestSupport

/// A bridge someone else would run instead of Hookcast (bench/peers/): started from a command line with the
/// placeholders `{port}`, `{mqtt_port}`, `{routes}`, `{key_file}`, `{mqtt_username}` and `{mqtt_password_file}`
/// (its own broker account, `BenchAccounts.peer(name)`), given the event-id → topic table it serves.
final class PeerTarget: WebhookTarget {
    let name: String
    let label: String
    let path: String
    let supportsGroups = false
    let command: [String]
    let mqttPort: Int
    let topics: Topics
    let workDirectory: URL
    let logDirectory: URL
    let accounts: BenchAccounts
    private let apiKey = "bench-" + UUID().uuidString.lowercased()
    private(set) var port = 0
    private var process: BenchProcess?

    /// `NAME;LABEL;PATH;COMMAND…` as the benchmark script passes it.
    init(
        specification: String, mqttPort: Int, topics: Topics, workDirectory: URL, logDirectory: URL,
        accounts: BenchAccounts
    ) throws {
        let parts = specification.split(separator: ";", maxSplits: 3).map(String.init)
        guard parts.count == 4 else {
            throw BenchHTTP.Failure(description: "--peer wants NAME;LABEL;PATH;COMMAND, not \(specification)")
        }
        name = parts[0]
        label = parts[1]
        path = parts[2]
        command = parts[3].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        self.mqttPort = mqttPort
        self.topics = topics
        self.workDirectory = workDirectory
        self.logDirectory = logDirectory
        self.accounts = accounts
    }

    var headers: [(name: String, value: String)] { [("x-webhook-apikey", apiKey)] }
    var memory: ResidentMemory? { process?.memory }
    var processID: pid_t? { process?.pid }

    func start(fleetSize: Int) async throws {
        port = try FreePort.find()
        let routes = workDirectory.appendingPathComponent("\(name)-routes.json")
        let keyFile = workDirectory.appendingPathComponent("\(name)-key")
        try Data(apiKey.utf8).write(to: keyFile)
        try JSONSerialization.data(withJSONObject: try Self.routes(topics), options: [.sortedKeys]).write(to: routes)
        let account = BenchAccounts.peer(name)
        let arguments = command.map {
            $0.replacingOccurrences(of: "{port}", with: String(port))
                .replacingOccurrences(of: "{mqtt_port}", with: String(mqttPort))
                .replacingOccurrences(of: "{routes}", with: routes.path)
                .replacingOccurrences(of: "{key_file}", with: keyFile.path)
                .replacingOccurrences(of: "{mqtt_username}", with: account)
                .replacingOccurrences(of: "{mqtt_password_file}", with: accounts.passwordFile(account).path)
        }
        guard let executable = arguments.first else { throw BenchHTTP.Failure(description: "\(name): empty command") }
        let process = try BenchProcess(
            name: name, executable: executable, arguments: Array(arguments.dropFirst()), logDirectory: logDirectory)
        self.process = process
        try await BenchHTTP.waitUntilListening(port: port, process: process)
    }

    func stop() async {
        await process?.stop()
        process = nil
    }

    /// The integrator's table: each event id → the topic and command it publishes, under the run's prefix.
    static func routes(_ topics: Topics) throws -> [String: Any] {
        func route(_ topic: String, _ target: [String: Any]) -> [String: Any] {
            ["topic": topic, "target": target, "function": "send_sensor_event", "params": [String: Any]()]
        }
        var routes: [String: Any] = [:]
        for index in 1...BenchEvents.deviceEvents {
            let device = BenchFleet.deviceID(index)
            routes[BenchEvents.device(index)] = route(
                topics.deviceCommands(try DeviceID(device)), ["kind": "device", "id": device])
        }
        routes[BenchEvents.all] = route(topics.allCommands, ["kind": "all"])
        routes[BenchEvents.tenthGroup] = route(
            topics.groupCommands(try GroupID(BenchEvents.groupID)), ["kind": "group", "id": BenchEvents.groupID])
        return routes
    }
}
