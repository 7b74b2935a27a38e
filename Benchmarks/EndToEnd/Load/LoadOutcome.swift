/// What one load run saw, per request and in total.
struct LoadOutcome: Sendable {
    /// Monotonic nanoseconds (`MonotonicClock.now`) at which each request was due (open loop) or sent (closed
    /// loop); the reference point of its end-to-end latency too.
    var sentAt: [UInt64]
    /// The HTTP status of each request's answer; 0 when none came (the connection failed).
    var statuses: [UInt16]
    /// Request → response, from the time the request was due.
    var httpLatency: LatencySummary
    var startedAt: UInt64
    var finishedAt: UInt64
    /// Request `i` here is request `firstSequence + i` of the bodies.
    var firstSequence = 0

    var succeeded: Int { statuses.count(where: { $0 == 200 }) }
    var failed: Int { statuses.count - succeeded }
    var seconds: Double { Double(finishedAt - startedAt) / 1e9 }
    var requestsPerSecond: Double { seconds > 0 ? Double(statuses.count) / seconds : 0 }

    /// Statuses other than 200, counted: what the server refused and how.
    var failuresByStatus: [String: Int] {
        var counts: [String: Int] = [:]
        for status in statuses where status != 200 {
            counts[status == 0 ? "no answer" : String(status), default: 0] += 1
        }
        return counts
    }
}
