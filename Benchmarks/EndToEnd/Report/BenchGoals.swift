/// The targets, checked against one run's figures: ratios come from the same run.
enum BenchGoals {
    static func evaluate(_ results: inout BenchResults) {
        let mqttCeiling = results.ceilings.mqttQoS1MessagesPerSecond
        let httpCeiling = results.ceilings.httpRequestsPerSecond
        let peerRows = results.results.filter { $0.scenario == "sustained" && !$0.target.hasPrefix("ceiling") }
            .filter { $0.target != "hookcast" }
        // The best peer that loses nothing, by its sustained rate.
        let bestLosslessPeer = peerRows.filter { ($0.lost ?? 1) == 0 }.compactMap(\.ratePerSecond).max()
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
                }
            case ("max_http", _):
                if let rate = row.ratePerSecond, let httpCeiling { row.ratioToCeiling = rate / httpCeiling }
            case ("latency_at_1000", "hookcast"):
                row.goal = "p99 ≤ 5 ms (webhook → acknowledgement)"
                row.met = (row.latency?.p99).map { $0 <= 5 } ?? false
            case ("broadcast", let target) where target != "ceiling-fanout":
                let devices = row.devices ?? 0
                if let time = row.allAcknowledgedMilliseconds,
                    let fanout = results.ceilings.fanoutMilliseconds[String(devices)]
                {
                    row.ratioToCeiling = time / fanout
                }
                if target == "hookcast", devices == 10_000 {
                    row.goal = "all 10,000 acknowledged ≤ 1 s"
                    row.met = (row.allAcknowledgedMilliseconds ?? .infinity) <= 1000
                } else if target == "hookcast", devices == 5000 {
                    row.goal = "≤ 1.5× the raw fan-out of the same run"
                    row.met = (row.ratioToCeiling ?? .infinity) <= 1.5
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
}
