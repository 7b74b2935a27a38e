import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 load generator on one event loop thread: keep-alive connections with one request in flight each, fed
/// from one schedule. Its own, not wrk: wrk cannot hold a fixed rate (it measures as fast as it can go) and reports
/// no per-request times, which the end-to-end latency needs.
enum LoadGenerator {
    static func run(_ plan: LoadPlan, on group: MultiThreadedEventLoopGroup) async throws -> LoadOutcome {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: LoadOutcome.self)
        eventLoop.execute {
            let run = LoadRun(plan: plan, eventLoop: eventLoop, promise: promise)
            run.start()
        }
        return try await promise.futureResult.get()
    }
}

/// The state of one run.
///
/// `@unchecked Sendable`: NIO's closures are `@Sendable`, but every one that touches a run is scheduled on the run's
/// own event loop (`execute`, futures of that loop, and the bootstrap's channels, which live on it because the
/// bootstrap has no other loop), so its state is only ever used from that one thread; `pump` checks it.
final class LoadRun: @unchecked Sendable {
    let plan: LoadPlan
    let eventLoop: any EventLoop
    let promise: EventLoopPromise<LoadOutcome>
    let head: HTTPRequestHead
    private var sentAt: [UInt64]
    private var statuses: [UInt16]
    private var latency = LatencySummary()
    private var next = 0
    private var completed = 0
    private var idle: [LoadConnection] = []
    private var open = 0
    private var startedAt: UInt64 = 0
    private var ticker: RepeatedTask?
    private var finished = false
    /// Past `plan.stopAfter`: nothing more is sent, and the run ends when what is in flight is answered.
    private var sendingClosed = false

    init(plan: LoadPlan, eventLoop: any EventLoop, promise: EventLoopPromise<LoadOutcome>) {
        self.plan = plan
        self.eventLoop = eventLoop
        self.promise = promise
        self.head = plan.requestHead()
        sentAt = Array(repeating: 0, count: plan.total)
        statuses = Array(repeating: 0, count: plan.total)
    }

    func start() {
        let connects = (0..<plan.connections).map { _ in connect() }
        EventLoopFuture.whenAllComplete(connects, on: eventLoop).whenComplete { [self] _ in
            guard open > 0 else {
                promise.fail(LoadError.noConnection(host: plan.host, port: plan.port))
                return
            }
            startedAt = MonotonicClock.now
            ticker = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(250)) { [self] _ in
                pump()
            }
        }
    }

    private func connect() -> EventLoopFuture<Void> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(LoadConnection(run: self))
                }
            }
            .connect(host: plan.host, port: plan.port)
            .map { [self] channel in
                open += 1
                if let connection = try? channel.pipeline.syncOperations.handler(type: LoadConnection.self) {
                    idle.append(connection)
                }
            }
    }

    /// Sends every due request an idle connection can take.
    func pump() {
        eventLoop.preconditionInEventLoop()
        guard !finished else { return }
        let now = MonotonicClock.now
        if let stopAfter = plan.stopAfter, Double(now - startedAt) / 1e9 >= stopAfter {
            sendingClosed = true
            if completed == next { finish() }
            return
        }
        let due = plan.dueCount(after: now - startedAt)
        while next < due, let connection = idle.popLast() {
            let index = next
            next += 1
            sentAt[index] = plan.rate == nil ? now : startedAt + plan.dueOffset(of: index)
            connection.send(sequence: index, head: head, body: plan.body(plan.firstSequence + index))
        }
    }

    func answered(_ sequence: Int, status: UInt16, by connection: LoadConnection) {
        let now = MonotonicClock.now
        statuses[sequence] = status
        latency.record(nanoseconds: now &- sentAt[sequence])
        completed += 1
        idle.append(connection)
        if completed == plan.total || (sendingClosed && completed == next) { finish() } else { pump() }
    }

    /// A connection closed: its request (if any) counts as unanswered, and the run goes on with the others.
    func lost(_ connection: LoadConnection, inFlight sequence: Int?) {
        open -= 1
        idle.removeAll { $0 === connection }
        if let sequence {
            latency.record(nanoseconds: MonotonicClock.now &- sentAt[sequence])
            completed += 1
        }
        if completed == plan.total || (sendingClosed && completed == next) || open == 0 {
            finish()
        }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        ticker?.cancel()
        // A closed-loop run that stopped early sent only the first `next`; requests never sent are not results.
        let sent = sendingClosed ? next : plan.total
        let outcome = LoadOutcome(
            sentAt: Array(sentAt.prefix(sent)), statuses: Array(statuses.prefix(sent)), httpLatency: latency,
            startedAt: startedAt, finishedAt: MonotonicClock.now, firstSequence: plan.firstSequence)
        for connection in idle { connection.close() }
        idle.removeAll()
        promise.succeed(outcome)
    }
}

enum LoadError: Error, CustomStringConvertible {
    case noConnection(host: String, port: Int)

    var description: String {
        switch self {
        case .noConnection(let host, let port): "no connection to \(host):\(port) could be opened"
        }
    }
}
