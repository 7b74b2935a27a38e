import Foundation
import HookcastTestSupport

/// The HTTP ceiling as a target: `hookcast-bench bare-http` in a process of its own, as the gateway runs.
final class BareHTTPTarget: WebhookTarget {
    let name = "ceiling-http"
    let label = "Bare Hummingbird POST"
    let path = "/public-api/integration/webhooks"
    let headers: [(name: String, value: String)] = []
    let supportsGroups = false
    let logDirectory: URL
    private(set) var port = 0
    private var process: BenchProcess?

    init(logDirectory: URL) {
        self.logDirectory = logDirectory
    }

    var memory: ResidentMemory? { process?.memory }
    var processID: pid_t? { process?.pid }

    func start(fleetSize: Int) async throws {
        port = try FreePort.find()
        let process = try BenchProcess(
            name: name, executable: BenchExecutable.path, arguments: ["bare-http", "--port", String(port)],
            logDirectory: logDirectory)
        self.process = process
        try await BenchHTTP.waitUntilListening(port: port, process: process)
    }

    func stop() async {
        await process?.stop()
        process = nil
    }
}

enum BenchExecutable {
    /// This program, to start a copy of it with another subcommand.
    static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
