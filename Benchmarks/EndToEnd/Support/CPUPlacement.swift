import Foundation

/// Which cores the processes of a stall round may run on (`taskset -a -p`, every thread; threads started later
/// inherit it from the thread that starts them).
///
/// `shared` leaves them to the scheduler, as on a machine that runs broker and gateway together: on two cores
/// the gateway's import keeps about one busy, and the broker waits for a core as much as it works. `brokerOwnCore`
/// gives the broker the last core alone and the gateway and the harness the others, as a deployment past a few
/// thousand devices would give the broker a machine or cores of its own: what is left is the broker's own stall,
/// the plugin's work on its thread included. The harness's probe threads run real-time (`HarnessPriority`), so
/// sharing the gateway's cores does not delay them; on the broker's core they would preempt the broker they time.
enum CPUPlacement: String, CaseIterable, Codable {
    case shared
    case brokerOwnCore

    /// Pins the round's processes; does nothing for `shared` or on a single core.
    func apply(broker: pid_t?, gateway: pid_t) throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard self == .brokerOwnCore, cores > 1 else { return }
        let last = "\(cores - 1)"
        let others = cores == 2 ? "0" : "0-\(cores - 2)"
        if let broker { try Self.taskset(cpus: last, pid: broker) }
        try Self.taskset(cpus: others, pid: gateway)
        try Self.taskset(cpus: others, pid: ProcessInfo.processInfo.processIdentifier)
    }

    /// Lets the harness run on every core again.
    func reset() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard self == .brokerOwnCore, cores > 1 else { return }
        try Self.taskset(cpus: "0-\(cores - 1)", pid: ProcessInfo.processInfo.processIdentifier)
    }

    private static func taskset(cpus: String, pid: pid_t) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        process.arguments = ["--all-tasks", "--pid", "--cpu-list", cpus, String(pid)]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchHTTP.Failure(
                description: "taskset --cpu-list \(cpus) \(pid) exited \(process.terminationStatus)")
        }
    }
}
