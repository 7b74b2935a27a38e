import Foundation
import HookcastProtocol

/// The simulated devices `bench-00001` … as `hookcast device --count` processes, grown in steps (1,000, then 5,000,
/// then 10,000) by starting one more process per step. At most 5,000 per process: each libmosquitto client takes
/// three descriptors and the hard limit here is 20,000.
final class BenchFleet {
    static let idPrefix = "bench-"
    static let devicesPerProcess = 5000

    let hookcast: String
    let mqttPort: Int
    let topics: Topics
    let logDirectory: URL
    /// Where `<device id>.password` files are, on a broker with device accounts; nil on an open broker.
    let passwordsDirectory: URL?
    private(set) var processes: [BenchProcess] = []
    private(set) var size = 0

    init(hookcast: String, mqttPort: Int, topics: Topics, logDirectory: URL, passwordsDirectory: URL? = nil) {
        self.hookcast = hookcast
        self.mqttPort = mqttPort
        self.topics = topics
        self.logDirectory = logDirectory
        self.passwordsDirectory = passwordsDirectory
    }

    /// `bench-00001`: the ids `FleetSimulator` gives (zero-padded to five digits up to 99,999 devices).
    static func deviceID(_ index: Int) -> String {
        let digits = String(index)
        return idPrefix + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Starts devices `size + 1 … newSize` and waits until the observer saw all of them online.
    func grow(to newSize: Int, presence: PresenceCounter) async throws {
        var start = size + 1
        while start <= newSize {
            let count = min(Self.devicesPerProcess, newSize - start + 1)
            let process = try BenchProcess(
                name: "fleet-\(start)", executable: hookcast,
                arguments: [
                    "device", "--count", String(count), "--id-prefix", Self.idPrefix, "--start-index", String(start),
                    "--mqtt-port", String(mqttPort), "--topic-prefix", topics.root, "--log-level", "warning",
                ] + (passwordsDirectory.map { ["--passwords-dir", $0.path] } ?? []),
                logDirectory: logDirectory)
            processes.append(process)
            start += count
        }
        size = newSize
        let began = ContinuousClock.now
        while presence.online < newSize {
            guard processes.allSatisfy(\.isRunning) else {
                throw BenchHTTP.Failure(description: "a fleet process exited:\n\(processes.map { $0.tail() })")
            }
            guard ContinuousClock.now - began < .seconds(180) else {
                throw BenchHTTP.Failure(description: "only \(presence.online)/\(newSize) devices online after 180 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        BenchLog.line("fleet: \(newSize) devices online in \(ContinuousClock.now - began)")
    }

    /// Writes one `<device id>.password` file (0600) per device into `passwordsDirectory`, as `hookcast devices
    /// import --passwords-dir` writes them, for `--passwords-dir` of the fleet processes.
    func writePasswords(_ passwords: [String: String]) throws {
        guard let directory = passwordsDirectory else {
            throw BenchHTTP.Failure(description: "this fleet has no passwords directory")
        }
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for (device, password) in passwords {
            let file = directory.appendingPathComponent("\(device).password")
            guard
                FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw BenchHTTP.Failure(description: "cannot create \(file.path)") }
            try Data(password.utf8).write(to: file)
        }
    }

    /// Resident memory of all fleet processes together, in bytes, from one reading of each, and its anonymous part:
    /// what the devices themselves take, without the executable's and libraries' pages each process counts again.
    var memory: (resident: Int, anonymous: Int) {
        processes.compactMap(\.memory).reduce((0, 0)) { ($0.0 + $1.resident, $0.1 + $1.anonymous) }
    }

    func stop() async {
        for process in processes { await process.stop() }
    }
}
