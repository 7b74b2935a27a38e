import Foundation

/// Where the whole machine's CPU went during one trial, per accepted webhook: the target's process, the broker,
/// the simulated devices, the harness itself (load generator, observer, presence counter), the rest (the kernel's
/// own threads, other processes) and what stayed idle. Everything runs on the same cores, so what the processes
/// other than the target spend per webhook bounds every target's rate in this setup: with a target that cost
/// nothing, they alone would fill the cores at `rateBoundWithoutTarget` webhooks a second.
struct MachineShare: Codable {
    var cores: Int
    var targetMicroseconds: Double
    var brokerMicroseconds: Double?
    var devicesMicroseconds: Double
    var harnessMicroseconds: Double
    var restMicroseconds: Double
    var idleMicroseconds: Double
    /// Taken by the host from this virtual machine while the trial ran (the `steal` column of /proc/stat).
    var stolenMicroseconds: Double
    /// cores / (broker + devices + harness per webhook): the rate at which the other processes alone would keep
    /// every core busy. Nil without the broker's figure.
    var rateBoundWithoutTarget: Double?

    enum CodingKeys: String, CodingKey {
        case cores
        case targetMicroseconds = "target_us"
        case brokerMicroseconds = "broker_us"
        case devicesMicroseconds = "devices_us"
        case harnessMicroseconds = "harness_us"
        case restMicroseconds = "rest_us"
        case idleMicroseconds = "idle_us"
        case stolenMicroseconds = "stolen_us"
        case rateBoundWithoutTarget = "rate_bound_without_target"
    }

    var text: String {
        func µs(_ value: Double) -> String { "\(Int(value.rounded())) µs" }
        let broker = brokerMicroseconds.map(µs) ?? "-"
        let bound = rateBoundWithoutTarget.map {
            "; the others alone would fill \(cores) cores at \(Int($0.rounded()))/s"
        }
        return "machine per webhook: target \(µs(targetMicroseconds)), broker \(broker), devices "
            + "\(µs(devicesMicroseconds)), harness \(µs(harnessMicroseconds)), rest \(µs(restMicroseconds)), idle "
            + "\(µs(idleMicroseconds)), stolen \(µs(stolenMicroseconds))" + (bound ?? "")
    }

    /// The processes a trial's share is read for.
    struct Processes {
        var target: pid_t?
        var broker: pid_t?
        var devices: [pid_t]
    }

    /// CPU counters read before a trial; `share(accepted:)` reads them again after it.
    struct Probe {
        let processes: Processes
        private let before: Reading

        init(_ processes: Processes) {
            self.processes = processes
            before = Reading(processes)
        }

        func share(accepted: Int) -> MachineShare? {
            let after = Reading(processes)
            guard accepted > 0, let start = before.machine, let end = after.machine else { return nil }
            let perWebhook = 1000 / Double(accepted)
            let target = (after.target ?? 0) - (before.target ?? 0)
            let broker = after.broker.flatMap { end in before.broker.map { end - $0 } }
            let devices = after.devices - before.devices
            let harness = after.harness - before.harness
            let busy = end.busyMilliseconds - start.busyMilliseconds
            let rest = max(0, busy - target - (broker ?? 0) - devices - harness)
            var share = MachineShare(
                cores: ProcessInfo.processInfo.activeProcessorCount, targetMicroseconds: target * perWebhook,
                brokerMicroseconds: broker.map { $0 * perWebhook }, devicesMicroseconds: devices * perWebhook,
                harnessMicroseconds: harness * perWebhook, restMicroseconds: rest * perWebhook,
                idleMicroseconds: (end.idleMilliseconds - start.idleMilliseconds) * perWebhook,
                stolenMicroseconds: (end.stolenMilliseconds - start.stolenMilliseconds) * perWebhook)
            if let broker = share.brokerMicroseconds {
                let others = broker + share.devicesMicroseconds + share.harnessMicroseconds
                if others > 0 { share.rateBoundWithoutTarget = Double(share.cores) * 1_000_000 / others }
            }
            return share
        }
    }

    /// Milliseconds of CPU so far, by process, and of the whole machine.
    private struct Reading {
        var target: Double?
        var broker: Double?
        var devices: Double
        var harness: Double
        var machine: MachineTimes?

        init(_ processes: Processes) {
            target = processes.target.flatMap(ProcessCPUTime.milliseconds(of:))
            broker = processes.broker.flatMap(ProcessCPUTime.milliseconds(of:))
            devices = processes.devices.compactMap(ProcessCPUTime.milliseconds(of:)).reduce(0, +)
            harness = ProcessCPUTime.milliseconds(of: getpid()) ?? 0
            machine = MachineTimes.read()
        }
    }
}

/// The first line of /proc/stat: every core's time since boot, by kind, in milliseconds.
struct MachineTimes {
    var busyMilliseconds: Double
    var idleMilliseconds: Double
    var stolenMilliseconds: Double

    static func read() -> MachineTimes? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count == 8 else { return nil }
        let milliseconds = ticks.map { $0 * 1000 / Double(sysconf(Int32(_SC_CLK_TCK))) }
        return MachineTimes(
            busyMilliseconds: milliseconds[0] + milliseconds[1] + milliseconds[2] + milliseconds[5] + milliseconds[6],
            idleMilliseconds: milliseconds[3] + milliseconds[4], stolenMilliseconds: milliseconds[7])
    }
}
