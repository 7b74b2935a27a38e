import Foundation

/// One broadcast of `hookcast-bench intake`, and the medians over a run.
struct IntakeFigures {
    /// The gateway's CPU (user + system) from the webhook to its answer.
    let cpuMilliseconds: Double
    /// How long the replayer took to have every acknowledgement taken by the broker.
    let publishing: Duration
    /// From the broker taking the last acknowledgement to the webhook's answer: what recording the rest took.
    let answered: Duration
    let devices: Int

    var cpuMicrosecondsPerAcknowledgement: Double { cpuMilliseconds * 1000 / Double(devices) }

    var text: String {
        "gateway CPU \(Int(cpuMilliseconds.rounded())) ms, \(Self.format(cpuMicrosecondsPerAcknowledgement)) µs per "
            + "acknowledgement; published in \(Self.milliseconds(publishing)) ms; answered \(Self.milliseconds(answered)) "
            + "ms after the last was taken"
    }

    static func summary(_ figures: [IntakeFigures], devices: Int) -> String {
        let perAcknowledgement = figures.map(\.cpuMicrosecondsPerAcknowledgement)
        return "intake of \(devices) acknowledgements per broadcast, median of \(figures.count): gateway CPU "
            + "\(format(median(perAcknowledgement))) µs per acknowledgement (runs: "
            + perAcknowledgement.map(format).joined(separator: ", ") + "); published in "
            + "\(format(median(figures.map { milliseconds($0.publishing) }))) ms; answered "
            + "\(format(median(figures.map { milliseconds($0.answered) }))) ms after the last was taken"
    }

    /// The acknowledgement sink's medians, and the gateway's as a multiple of it.
    static func floorSummary(_ sinkPerAcknowledgement: [Double], gateway figures: [IntakeFigures]) -> String {
        let floor = median(sinkPerAcknowledgement)
        let gateway = median(figures.map(\.cpuMicrosecondsPerAcknowledgement))
        return "acknowledgement sink (counts only), median of \(sinkPerAcknowledgement.count): \(format(floor)) µs "
            + "per acknowledgement (runs: " + sinkPerAcknowledgement.map(format).joined(separator: ", ")
            + "); the gateway: \(floor > 0 ? format(gateway / floor) : "-")× that"
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        (Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15).rounded()
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
