import Foundation

/// The private directory each hook run gets for its stdin and stderr files, in the temporary directory and named
/// after the agent's process: `hookcast-hook-pid<pid>-<uuid>`. A run removes its own when the hook ends. An agent
/// killed while a hook ran cannot, and the directory holds the command's parameters, so an agent that starts
/// removes those of agent processes that no longer exist: the pid in the name says whose it is, so agents
/// sharing a machine never remove each other's.
enum HookScratch {
    static let prefix = "hookcast-hook-pid"

    /// A new directory for one run, readable by this user only.
    static func make(in parent: URL = FileManager.default.temporaryDirectory) throws -> URL {
        let directory = parent.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    /// Removes the directories of processes that are gone and returns how many it removed. Names that do not
    /// have this form (another program's, or an older agent's without a pid) are left alone.
    @discardableResult
    static func removeAbandoned(
        in parent: URL = FileManager.default.temporaryDirectory, isRunning: (pid_t) -> Bool = processExists
    ) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return 0 }
        var removed = 0
        for name in names {
            guard let pid = owner(of: name), pid != getpid(), !isRunning(pid) else { continue }
            if (try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }

    /// The pid in a scratch directory's name, nil for any other name.
    static func owner(of name: String) -> pid_t? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { return nil }
        return pid
    }

    /// Whether a process with this pid exists (a signal 0 reaches it, or exists but may not be signalled).
    static func processExists(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
