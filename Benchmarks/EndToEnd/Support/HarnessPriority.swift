import Foundation

/// Puts the harness's own threads ahead of every process it measures while a probe runs, and puts them back.
///
/// A probe thread that waits for a core adds that wait to the round trip it times, and the figure then says as much
/// about the harness's scheduling as about the broker. A raised nice value is not enough: `perf sched` over a
/// stall round showed the broker deliver a probe message within 50 µs and the probe's receiving thread, at nice −10
/// on the same core, wait 4 ms for it, because the kernel's fair scheduler (EEVDF) lets the running task finish
/// its slice before a woken one runs, whatever their weights. Real-time threads (`SCHED_FIFO`) run the moment they
/// wake, ahead of every ordinary task, so a round trip then times the broker and the network only. The harness does
/// little while probing (a message every 10 ms, one HTTP request prepared beforehand), and the kernel's real-time
/// throttling (`sched_rt_runtime_us`) keeps a core for the others in any case.
///
/// Threads only: Linux keeps a scheduling policy per thread. Threads started while raised inherit it, and `reset`
/// puts back every thread there is then.
enum HarnessPriority {
    /// The lowest real-time priority: above every ordinary task, below the kernel's own real-time threads.
    static let realTimePriority: Int32 = 1

    /// Makes every thread of this process real-time; false if not allowed (not root), and then nothing changed.
    @discardableResult
    static func raise() -> Bool {
        let threads = threadIDs()
        var parameters = sched_param(sched_priority: realTimePriority)
        for (index, thread) in threads.enumerated() where sched_setscheduler(thread, SCHED_FIFO, &parameters) != 0 {
            // A thread that ended since the listing (ESRCH) is no reason to give up.
            guard errno == EPERM else { continue }
            putBack(threads[..<index])
            return false
        }
        return true
    }

    /// Puts every thread back to the ordinary policy at nice 0.
    static func reset() { putBack(threadIDs()[...]) }

    private static func putBack(_ threads: ArraySlice<pid_t>) {
        var parameters = sched_param(sched_priority: 0)
        for thread in threads {
            _ = sched_setscheduler(thread, SCHED_OTHER, &parameters)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(thread), 0)
        }
    }

    private static func threadIDs() -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { pid_t($0) }
    }
}
