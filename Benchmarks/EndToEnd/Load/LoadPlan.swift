import NIOHTTP1

/// One run of HTTP load: `total` POST requests over `connections` keep-alive connections, either at a fixed rate
/// (open loop) or as fast as the connections go (closed loop).
struct LoadPlan: Sendable {
    var host = "127.0.0.1"
    var port: Int
    var path: String
    var headers: [(name: String, value: String)] = []
    var total: Int
    /// Requests per second, or nil for closed loop. Open loop gives each request a scheduled send time and counts
    /// its latency from then, so a server that stalls is charged for every request that queued behind the stall
    /// (the "coordinated omission" correction wrk2 makes).
    var rate: Double?
    var connections: Int
    /// With closed loop: stop sending after this many seconds (`total` is then only an upper bound).
    var stopAfter: Double?
    /// The number of the first request; request `i` of the run is `firstSequence + i` in bodies and results.
    var firstSequence = 0
    /// The body of request `sequence`; called on the load generator's thread.
    var body: @Sendable (_ sequence: Int) -> [UInt8]

    /// Nanoseconds after the start at which request `sequence` is due.
    func dueOffset(of sequence: Int) -> UInt64 {
        guard let rate else { return 0 }
        return UInt64(Double(sequence) / rate * 1e9)
    }

    /// How many requests are due `elapsed` nanoseconds after the start.
    func dueCount(after elapsed: UInt64) -> Int {
        guard let rate else { return total }
        return min(total, Int(Double(elapsed) / 1e9 * rate) + 1)
    }

    func requestHead() -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        for header in headers { head.headers.add(name: header.name, value: header.value) }
        return head
    }
}
