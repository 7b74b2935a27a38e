import Foundation
import HookcastTestSupport

/// A process the benchmark started, by name, with its output in a log file: HookcastTestSupport's `ChildProcess`
/// (posix_spawn, reaped with waitpid) plus what the benchmark reads off it.
final class BenchProcess {
    let name: String
    let logFile: URL
    private let process: ChildProcess

    var pid: pid_t { process.pid }

    init(
        name: String, executable: String, arguments: [String], environment: [String: String] = [:], logDirectory: URL
    ) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        process = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, directory: logDirectory,
            logFile: logFile)
        // scripts/bench kills whatever is listed here if the harness itself dies before it could stop them.
        if let pidFile = ProcessInfo.processInfo.environment["HOOKCAST_BENCH_PID_FILE"],
            let handle = FileHandle(forWritingAtPath: pidFile)
        {
            handle.seekToEndOfFile()
            handle.write(Data("\(process.pid)\n".utf8))
            try? handle.close()
        }
    }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        kill(process.pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { process.kill() }
    }

    var memory: ResidentMemory? { ResidentMemory(pid: process.pid) }

    func tail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
