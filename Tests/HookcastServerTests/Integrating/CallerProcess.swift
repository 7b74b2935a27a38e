import Foundation
import HookcastProtocol
import HookcastTestSupport

/// One of the callers docs/integrating.md gives to copy, run as a child process against a gateway on loopback.
enum ExampleCaller: String, Sendable, CaseIterable {
    case python
    case node

    var executable: String { self == .python ? "/usr/bin/python3" : "/usr/bin/node" }
    var script: String { self == .python ? "docs/examples/trigger.py" : "docs/examples/trigger.mjs" }
    var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }
}

/// A caller's run: started, optionally watched while it runs (its log), then waited for.
final class CallerProcess: Sendable {
    let process: ChildProcess
    let log: URL

    /// Starts `caller` against the gateway on `port`. The API key and signing secret go in the environment, as the
    /// callers' documentation says (an empty secret: unsigned, whatever the test runner's environment holds).
    init(_ caller: ExampleCaller, port: Int, key: String, secret: String? = nil, _ arguments: [String]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("caller-\(UUID().uuidString).log")
        let script = RepositoryFiles.root.appendingPathComponent(caller.script).path
        process = try ChildProcess(
            executable: caller.executable, arguments: [script, "--url", "http://127.0.0.1:\(port)"] + arguments,
            environment: ["HOOKCAST_API_KEY": key, "HOOKCAST_SIGNING_SECRET": secret ?? ""],
            directory: RepositoryFiles.root, logFile: log)
    }

    deinit { try? FileManager.default.removeItem(at: log) }

    /// What it wrote so far, standard output and error together.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until its output contains `text` (it is still running).
    func waitForOutput(containing text: String) async throws {
        try await withTimeout(.seconds(120), "the caller writes '\(text)'") {
            while !self.output.contains(text) {
                guard self.process.isRunning else { throw CallerEnded(output: self.output) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Waits for it to end; its exit status and everything it wrote.
    func finish() async throws -> CallerRun {
        let status = try await process.exitStatus("the caller exits")
        return CallerRun(status: status, output: output)
    }

    /// Starts the caller and waits for it.
    static func run(
        _ caller: ExampleCaller, port: Int, key: String, secret: String? = nil, _ arguments: [String]
    ) async throws -> CallerRun {
        try await CallerProcess(caller, port: port, key: key, secret: secret, arguments).finish()
    }
}

struct CallerEnded: Error, CustomStringConvertible {
    let output: String
    var description: String { "the caller ended early:\n\(output)" }
}

/// A finished caller: the exit status of docs/integrating.md's callers (0 triggered, 1 refused, 2 gave up, 3 the
/// answer broke its promise) and what it printed.
struct CallerRun: Sendable {
    let status: Int32
    let output: String

    /// The answer it printed: its one line of JSON on standard output (its messages start with "trigger:").
    var answer: [String: JSONValue] {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            case .object(let fields)? = try? UntrustedJSON.decode(Data(line.utf8))
        else { return [:] }
        return fields
    }

    var commandID: UUID? {
        guard case .string(let text)? = answer["command_id"] else { return nil }
        return UUID(uuidString: text)
    }
}
