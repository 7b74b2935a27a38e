import Foundation

/// Issue 16's figures, each with the ceiling it is held to; written to `bench/results/accounts.json`.
struct AccountsFigures: Codable {
    struct Machine: Codable {
        var cores = ProcessInfo.processInfo.activeProcessorCount
        var memoryGibibytes = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var gitCommit: String
        var mosquittoVersion: String
    }

    var machine: Machine
    var devices: Int
    var largeDevices: Int
    /// Fresh brokers the import times and the probe's samples come from (`ImportStallTrials`).
    var stallRounds: Int
    /// Seconds for `POST /devices/import` of `devices` devices: the median of `stallRounds` imports.
    var importWithoutAccountsSeconds: Double
    var importWithAccountsSeconds: Double
    /// ≤ 1.5.
    var importRatio: Double { importWithAccountsSeconds / importWithoutAccountsSeconds }
    /// Seconds for `largeDevices` devices with accounts; ≤ 60.
    var largeImportWithAccountsSeconds: Double
    /// The probe's round trips, idle and while `devices` devices streamed into the plugin, pooled over
    /// `stallRounds` fresh brokers.
    var probeIdle: LatencyReport
    var probeDuringImport: LatencyReport
    var probeSamplesDuringImport: UInt64
    /// The same on open brokers during the same imports without accounts: what the import costs the broker
    /// whatever the accounts (each device's retained config, the broker's database saved every second).
    var probeIdleOpen: LatencyReport
    var probeDuringImportOpen: LatencyReport
    /// The same four with the broker (and the probe) on a core of its own and the gateway on the others
    /// (`CPUPlacement.brokerOwnCore`): the broker's own stall, without the machine's contention for cores.
    var probeIdleOwnCore: LatencyReport
    var probeDuringImportOwnCore: LatencyReport
    var probeIdleOpenOwnCore: LatencyReport
    var probeDuringImportOpenOwnCore: LatencyReport
    /// p99 during the import minus p99 idle, in ms; ≤ 1.
    var stallP99Milliseconds: Double? { Self.stall(probeIdle, probeDuringImport) }
    var stallOpenP99Milliseconds: Double? { Self.stall(probeIdleOpen, probeDuringImportOpen) }
    var stallOwnCoreP99Milliseconds: Double? { Self.stall(probeIdleOwnCore, probeDuringImportOwnCore) }
    var stallOpenOwnCoreP99Milliseconds: Double? { Self.stall(probeIdleOpenOwnCore, probeDuringImportOpenOwnCore) }

    private static func stall(_ idle: LatencyReport, _ during: LatencyReport) -> Double? {
        guard let during = during.p99, let idle = idle.p99 else { return nil }
        return during - idle
    }
    /// Median seconds of `broadcastsPerSide` `?wait=30` broadcasts to `devices` simulated devices.
    var broadcastsPerSide: Int
    var broadcastOpenSeconds: Double
    var broadcastPluginSeconds: Double
    var broadcastsComplete: Bool
    /// Median CPU milliseconds the broker used during one broadcast, each side.
    var broadcastBrokerCPUOpenMilliseconds: Double
    var broadcastBrokerCPUPluginMilliseconds: Double
    /// ≤ 1.1.
    var broadcastRatio: Double { broadcastPluginSeconds / broadcastOpenSeconds }
    /// How much the broker's resident memory grew with the `largeDevices` import, without accounts (each device's
    /// retained config) and with them; the difference per account is the accounts' own share, ≤ 256 bytes.
    var brokerGrowthWithoutAccountsBytes: Int
    var brokerGrowthWithAccountsBytes: Int
    var bytesPerAccount: Double {
        Double(brokerGrowthWithAccountsBytes - brokerGrowthWithoutAccountsBytes) / Double(largeDevices)
    }

    private enum CodingKeys: String, CodingKey {
        case machine, devices, largeDevices, stallRounds, importWithoutAccountsSeconds, importWithAccountsSeconds
        case largeImportWithAccountsSeconds, probeIdle, probeDuringImport, probeSamplesDuringImport, probeIdleOpen
        case probeDuringImportOpen, probeIdleOwnCore, probeDuringImportOwnCore, probeIdleOpenOwnCore
        case probeDuringImportOpenOwnCore
        case broadcastsPerSide, broadcastOpenSeconds, broadcastPluginSeconds, broadcastsComplete
        case broadcastBrokerCPUOpenMilliseconds, broadcastBrokerCPUPluginMilliseconds, brokerGrowthWithoutAccountsBytes
        case brokerGrowthWithAccountsBytes
    }

    /// The table scripts/bench-accounts prints: each figure, its ceiling, and whether it is met.
    var table: String {
        func row(_ name: String, _ value: String, _ ceiling: String, _ met: Bool?) -> String {
            let verdict = met.map { $0 ? "met" : "NOT met" } ?? "-"
            return name.padding(toLength: 58, withPad: " ", startingAt: 0)
                + value.padding(toLength: 14, withPad: " ", startingAt: 0)
                + ceiling.padding(toLength: 12, withPad: " ", startingAt: 0) + verdict
        }
        func format(_ value: Double?, _ digits: Int = 2) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "-"
        }
        let stall = stallP99Milliseconds
        return [
            row("figure", "value", "ceiling", nil),
            row("import \(devices) devices, no accounts (s, median of \(stallRounds))", format(importWithoutAccountsSeconds), "", nil),
            row("import \(devices) devices, with accounts (s, median of \(stallRounds))", format(importWithAccountsSeconds), "", nil),
            row("  ratio with / without", format(importRatio), "≤ 1.5", importRatio <= 1.5),
            row("import \(largeDevices) devices, with accounts (s)", format(largeImportWithAccountsSeconds), "≤ 60",
                largeImportWithAccountsSeconds <= 60),
            row("probe round trip idle p50 / p99 (ms)", "\(format(probeIdle.p50)) / \(format(probeIdle.p99))", "", nil),
            row("probe during \(stallRounds) imports p50 / p99 (ms), \(probeSamplesDuringImport) samples",
                "\(format(probeDuringImport.p50)) / \(format(probeDuringImport.p99))", "", nil),
            row("  stall: p99 during − p99 idle (ms)", format(stall), "≤ 1", stall.map { $0 <= 1 }),
            row("open broker, no accounts: idle p50 / p99 (ms)",
                "\(format(probeIdleOpen.p50)) / \(format(probeIdleOpen.p99))", "", nil),
            row("open broker, no accounts: during \(stallRounds) imports p50 / p99 (ms)",
                "\(format(probeDuringImportOpen.p50)) / \(format(probeDuringImportOpen.p99))", "", nil),
            row("  open broker's stall, the same way (ms)", format(stallOpenP99Milliseconds), "", nil),
            row("broker on a core of its own, gateway on the other(s):", "", "", nil),
            row("  probe idle / during p99, plugin (ms)",
                "\(format(probeIdleOwnCore.p99)) / \(format(probeDuringImportOwnCore.p99))", "", nil),
            row("  stall, plugin (ms)", format(stallOwnCoreP99Milliseconds), "≤ 1",
                stallOwnCoreP99Milliseconds.map { $0 <= 1 }),
            row("  probe idle / during p99, open broker (ms)",
                "\(format(probeIdleOpenOwnCore.p99)) / \(format(probeDuringImportOpenOwnCore.p99))", "", nil),
            row("  stall, open broker (ms)", format(stallOpenOwnCoreP99Milliseconds), "", nil),
            row("broadcast to \(devices), open broker (s, median of \(broadcastsPerSide))", format(broadcastOpenSeconds, 3), "", nil),
            row("broadcast to \(devices), plugin (s, median of \(broadcastsPerSide))", format(broadcastPluginSeconds, 3), "", nil),
            row("  ratio plugin / open", format(broadcastRatio), "≤ 1.1", broadcastRatio <= 1.1),
            row("  every device acknowledged", broadcastsComplete ? "yes" : "no", "", broadcastsComplete),
            row("  broker CPU per broadcast, open / plugin (ms, median)",
                "\(format(broadcastBrokerCPUOpenMilliseconds, 0)) / \(format(broadcastBrokerCPUPluginMilliseconds, 0))",
                "", nil),
            row("  ratio plugin / open", format(broadcastBrokerCPUPluginMilliseconds / broadcastBrokerCPUOpenMilliseconds),
                "", nil),
            row("broker growth, \(largeDevices) devices, no accounts (MiB)",
                format(Double(brokerGrowthWithoutAccountsBytes) / 1_048_576, 1), "", nil),
            row("broker growth, \(largeDevices) devices, with accounts (MiB)",
                format(Double(brokerGrowthWithAccountsBytes) / 1_048_576, 1), "", nil),
            row("  per account: difference / \(largeDevices) (bytes)", format(bytesPerAccount, 0), "≤ 256",
                bytesPerAccount <= 256),
        ].joined(separator: "\n")
    }
}
