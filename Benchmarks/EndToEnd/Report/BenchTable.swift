import Foundation

/// The one table the run prints (bench/plot.py writes latest.md's from the JSON).
enum BenchTable {
    static func render(_ results: BenchResults) -> String {
        func number(_ value: Double?, _ format: String = "%.0f") -> String {
            value.map { String(format: format, $0) } ?? "-"
        }
        var lines = [
            "ceilings: HTTP \(number(results.ceilings.httpRequestsPerSecond)) req/s, MQTT QoS 1 "
                + "\(number(results.ceilings.mqttQoS1MessagesPerSecond)) msg/s, fan-out "
                + results.ceilings.fanoutMilliseconds.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
                .map { "\($0.key): \(number($0.value)) ms" }.joined(separator: ", ")
                + ", bare HTTP CPU at 1,000/s \(number(results.ceilings.httpCPUMicrosecondsPerRequestAt1000)) µs/request",
            "",
            String(
                format: "%-16@ %-16@ %7@ %9@ %8@ %8@ %8@ %9@ %9@ %6@ %7@ %6@ %-5@", "scenario", "target", "devices",
                "rate/s", "p50 ms", "p99 ms", "max ms", "accepted", "acked", "lost", "ratio", "cpu µs", "goal"),
        ]
        for row in results.results {
            let ratio = row.ratioToCeiling.map { String(format: "%.2f", $0) } ?? "-"
            let goal = row.met.map { $0 ? "met" : "MISS" } ?? ""
            let maximum = row.allAcknowledgedMilliseconds ?? row.latency?.max
            lines.append(
                String(
                    format: "%-16@ %-16@ %7@ %9@ %8@ %8@ %8@ %9@ %9@ %6@ %7@ %6@ %-5@", row.scenario, row.target,
                    row.devices.map(String.init) ?? "-", number(row.ratePerSecond),
                    number(row.latency?.p50, "%.2f"), number(row.latency?.p99, "%.2f"), number(maximum, "%.1f"),
                    row.accepted.map(String.init) ?? "-", row.acknowledged.map(String.init) ?? "-",
                    row.lost.map(String.init) ?? "-", ratio, number(row.cpuMicrosecondsPerWebhook), goal))
        }
        return lines.joined(separator: "\n")
    }
}
