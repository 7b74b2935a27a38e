import Foundation

/// A process's CPU time so far (user + system, from /proc/PID/stat), so a trial can say which process was busy.
enum ProcessCPUTime {
    /// Milliseconds of CPU `pid` has used; nil once it is gone.
    static func milliseconds(of pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            // The command name in parentheses may hold spaces: the fields after it start past the last ')'.
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3 of stat(5), utime 14 and stime 15, so indices 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
