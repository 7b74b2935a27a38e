import Foundation

/// A process the benchmark started and stops by its pid, with its output in a log file.
final class ChildProcess {
    let name: String
    let pid: Int32
    let logFile: URL
    private let process: Process

    init(
        name: String, executable: String, arguments: [String], environment: [String: String] = [:], logDirectory: URL
    ) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        pid = process.processIdentifier
        // scripts/bench kills whatever is listed here if the harness itself dies before it could stop them.
        if let pidFile = ProcessInfo.processInfo.environment["HOOKCAST_BENCH_PID_FILE"],
            let handle = FileHandle(forWritingAtPath: pidFile)
        {
            handle.seekToEndOfFile()
            handle.write(Data("\(pid)\n".utf8))
            try? handle.close()
        }
    }

    /// Foundation's `isRunning` alone is not enough: a child killed while Foundation's reaper was busy was seen
    /// to stay a zombie, "running", for minutes (adnanh's webhook). A zombie has stopped.
    var isRunning: Bool {
        guard process.isRunning else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // "pid (name) S …": the state follows the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// VmRSS (now) and VmHWM (the peak) from /proc, in bytes.
    var memory: (resident: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var resident: Int?
        var peak: Int?
        for line in status.split(separator: "\n") {
            // "VmRSS:\t  123456 kB": a tab, then spaces.
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kibibytes = Int(fields[1]) else { continue }
            if fields[0] == "VmRSS:" { resident = kibibytes * 1024 }
            if fields[0] == "VmHWM:" { peak = kibibytes * 1024 }
        }
        guard let resident, let peak else { return nil }
        return (resident, peak)
    }

    func tail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
