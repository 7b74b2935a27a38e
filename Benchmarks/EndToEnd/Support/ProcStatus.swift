import Foundation

/// The memory lines of a process's /proc/PID/status ("VmRSS:\t  123456 kB": a tab, then spaces), in bytes by
/// name without the colon; empty where the process or /proc is gone.
enum ProcStatus {
    static func memoryBytes(of pid: pid_t) -> [String: Int] {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [:] }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 3, parts[2] == "kB", parts[0].hasSuffix(":"), let kibibytes = Int(parts[1]) else {
                continue
            }
            fields[String(parts[0].dropLast())] = kibibytes * 1024
        }
        return fields
    }
}
