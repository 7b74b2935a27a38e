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

/// A process's resident memory, split as the kernel counts it: anonymous pages (its heap, stacks and written
/// data, its own) and file pages (the executable's and libraries' pages it touched, shared with every process
/// that maps the same files).
struct ResidentMemory {
    /// VmRSS.
    var resident: Int
    /// VmHWM: the most VmRSS has been.
    var peak: Int
    /// RssAnon.
    var anonymous: Int
    /// RssFile.
    var file: Int

    /// From /proc/PID/status; nil where the process or /proc is gone.
    init?(pid: pid_t) {
        let fields = ProcStatus.memoryBytes(of: pid)
        guard let resident = fields["VmRSS"] else { return nil }
        self.resident = resident
        peak = fields["VmHWM"] ?? resident
        anonymous = fields["RssAnon"] ?? 0
        file = fields["RssFile"] ?? 0
    }
}
