import Foundation

/// Raises the harness's own threads above the processes it measures while a probe runs, and puts them back.
///
/// On two cores the gateway's import keeps about one core busy; a probe thread that waits for a core adds that
/// wait to the round trip it times, and the figure then says as much about the harness's scheduling as about the
/// broker. Raised, the probe's threads run as soon as a message arrives, with or without the plugin alike. Threads
/// only (Linux keeps a nice value per thread): child processes started afterwards from a thread put back inherit 0.
enum HarnessPriority {
    static let raised: Int32 = -10

    /// Sets every thread of this process to `raised`; false if not allowed (not root), and then nothing changed.
    @discardableResult
    static func raise() -> Bool { setAll(raised) }

    /// Puts every thread back to 0.
    static func reset() { setAll(0) }

    @discardableResult
    private static func setAll(_ value: Int32) -> Bool {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return false }
        var allowed = true
        for task in tasks {
            guard let tid = id_t(task) else { continue }
            if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, value) != 0 { allowed = false }
        }
        return allowed
    }
}
