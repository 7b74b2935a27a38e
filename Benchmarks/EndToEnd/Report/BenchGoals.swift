/// The issue's targets, checked against one run's figures: ratios come from the same run.
enum BenchGoals {
    static func evaluate(_ results: inout BenchResults) {
        let mqttCeiling = results.ceilings.mqttQoS1MessagesPerSecond
        let httpCeiling = results.ceilings.httpRequestsPerSecond
        let peerRows = results.results.filter { $0.scenario == "sustained" && !$0.target.hasPrefix("ceiling") }
            .filter { $0.target != "hookcast" }
        // The best peer that loses nothing, by its sustained rate.
        let bestLosslessPeer = peerRows.filter { ($0.lost ?? 1) == 0 }.compactMap(\.ratePerSecond).max()
        // The lowest webhook → acknowledgement p99 at 1,000/s of a peer that lost nothing there.
        let bestPeerLatencyP99 = results.results.filter {
            $0.scenario == "latency_at_1000" && $0.target != "hookcast" && ($0.lost ?? 1) == 0
        }.compactMap(\.latency?.p99).min()
        // What the processes besides the gateway (broker, devices, harness) alone allow, from Hookcast's closed loop.
        let hookcastBound = results.results.first { $0.scenario == "max_http" && $0.target == "hookcast" }?
            .machineShare?.rateBoundWithoutTarget
        for index in results.results.indices {
            var row = results.results[index]
            switch (row.scenario, row.target) {
            case ("sustained", "ceiling-mqtt"):
                break
            case ("sustained", let target):
                if let rate = row.ratePerSecond, let mqttCeiling { row.ratioToCeiling = rate / mqttCeiling }
                if target == "hookcast" {
                    row.goal = "≥ 50 % of the MQTT ceiling, ≥ 5× the best lossless peer, 0 lost"
                    if let ratio = row.ratioToCeiling, let rate = row.ratePerSecond {
                        row.met = ratio >= 0.5 && (row.lost ?? 1) == 0 && rate >= 5 * (bestLosslessPeer ?? 0)
                    } else {
                        row.met = false
                    }
                    if let bound = hookcastBound, let mqttCeiling {
                        row.notes = Self.reachNote(
                            bound: bound, rate: row.ratePerSecond, mqttCeiling: mqttCeiling,
                            bestPeer: bestLosslessPeer, earlier: row.notes)
                    }
                }
            case ("max_http", _):
                if let rate = row.ratePerSecond, let httpCeiling { row.ratioToCeiling = rate / httpCeiling }
            case ("latency_at_1000", "hookcast"):
                row.goal = "p99 ≤ 5 ms and ≤ 2× the best lossless peer's p99; CPU ≤ 100 µs per webhook"
                if let p99 = row.latency?.p99, let cpu = row.cpuMicrosecondsPerWebhook {
                    row.met = p99 <= 5 && p99 <= 2 * (bestPeerLatencyP99 ?? 0) && cpu <= 100 && (row.lost ?? 1) == 0
                } else {
                    row.met = false
                }
                // The CPU goal read against the same run's floor: Hummingbird answering the same requests with
                // nothing behind them.
                if let cpu = row.cpuMicrosecondsPerWebhook,
                    let floor = results.ceilings.httpCPUMicrosecondsPerRequestAt1000,
                    floor > 0
                {
                    row.notes =
                        "CPU \(Int(cpu.rounded())) µs per webhook = \(String(format: "%.1f", cpu / floor))× the bare "
                        + "HTTP handler's \(Int(floor.rounded())) µs per request at the same rate"
                        + (floor > 100 ? " (the handler alone is over the 100 µs goal)" : "")
                }
            case ("broadcast", let target) where !target.hasPrefix("ceiling"):
                let devices = row.devices ?? 0
                if let time = row.allAcknowledgedMilliseconds {
                    row.ratioToCeiling = results.ceilings.fanoutMilliseconds[String(devices)].map { time / $0 }
                    row.ratioToFanoutReadTwice = results.ceilings.fanoutReadTwiceMilliseconds[String(devices)]
                        .map { time / $0 }
                }
                if target == "hookcast", devices == 5000 || devices == 10_000 {
                    row.goal = "every acknowledgement recorded ≤ 1.1× the raw fan-out of the same run"
                    row.met = (row.ratioToCeiling ?? .infinity) <= 1.1
                }
            case ("memory", _):
                row.goal = "gateway RSS ≤ 64 MiB; simulator ≤ 16 KiB per device"
                row.met = (row.gatewayResidentMiB ?? .infinity) <= 64 && (row.simulatorKiBPerDevice ?? .infinity) <= 16
            default:
                break
            }
            results.results[index] = row
        }
    }

    /// The sustained goal read against the machine: the closed loop's other processes alone would fill every core
    /// at `bound` webhooks a second, so a rate above it is out of reach whatever the gateway does.
    private static func reachNote(
        bound: Double, rate: Double?, mqttCeiling: Double, bestPeer: Double?, earlier: String?
    ) -> String {
        let wanted = max(0.5 * mqttCeiling, 5 * (bestPeer ?? 0))
        var note =
            "broker, devices and harness alone would fill the cores at \(Int(bound.rounded()))/s "
            + "(\(Int((100 * bound / mqttCeiling).rounded())) % of the MQTT ceiling)"
        if bound < wanted {
            note += ", below the goal's \(Int(wanted.rounded()))/s: out of reach on this machine"
        }
        if let rate { note += "; Hookcast reached \(Int((100 * rate / bound).rounded())) % of that bound" }
        return [earlier, note].compactMap { $0 }.joined(separator: "; ")
    }
}
