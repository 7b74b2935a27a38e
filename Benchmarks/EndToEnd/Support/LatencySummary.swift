import Histogram

/// Latencies in microseconds in an HdrHistogram (3 significant digits, up to 10 minutes), reported in milliseconds.
struct LatencySummary: Sendable, Codable {
    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    var count: UInt64 { histogram.totalCount }

    mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(max(1, min(nanoseconds / 1000, 600_000_000)))
    }

    mutating func add(_ other: LatencySummary) { histogram.add(other.histogram) }

    func milliseconds(atPercentile percentile: Double) -> Double? {
        count == 0 ? nil : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    var maximumMilliseconds: Double? { count == 0 ? nil : Double(histogram.max) / 1000 }

    var report: LatencyReport {
        LatencyReport(
            p50: milliseconds(atPercentile: 50), p90: milliseconds(atPercentile: 90),
            p99: milliseconds(atPercentile: 99), max: maximumMilliseconds)
    }
}

/// The percentiles the results file and the table show, in milliseconds.
struct LatencyReport: Codable, Sendable {
    var p50: Double?
    var p90: Double?
    var p99: Double?
    var max: Double?

    var text: String {
        func format(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        return "p50 \(format(p50)) p90 \(format(p90)) p99 \(format(p99)) max \(format(max)) ms"
    }
}
