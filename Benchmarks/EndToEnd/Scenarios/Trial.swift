import NIOPosix

/// One load run against a webhook target, joined with what the observer saw on the broker.
struct Trial {
    var plan: LoadPlan
    /// Acknowledgements each accepted webhook's command must collect: 1 for a device target, the fleet size for
    /// a broadcast.
    var expectedAcknowledgements = 1

    func run(observer: AcknowledgementObserver, group: MultiThreadedEventLoopGroup) async throws -> TrialResult {
        observer.reset()
        let load = try await LoadGenerator.run(plan, on: group)
        let wanted = load.succeeded * expectedAcknowledgements
        await observer.waitForAcknowledgements { $0 >= wanted }
        return TrialResult(load: load, seen: observer.snapshot(), expectedAcknowledgements: expectedAcknowledgements)
    }

    /// The load alone, for a target that publishes nothing (the bare HTTP ceiling): no acknowledgement is waited
    /// for, since none will come.
    func runAnswersOnly(observer: AcknowledgementObserver, group: MultiThreadedEventLoopGroup) async throws
        -> TrialResult
    {
        observer.reset()
        let load = try await LoadGenerator.run(plan, on: group)
        return TrialResult(load: load, seen: observer.snapshot(), expectedAcknowledgements: 1)
    }
}

/// A trial's figures: what the HTTP side answered and what the devices acknowledged.
struct TrialResult {
    var plannedRate: Double?
    var requests: Int
    var accepted: Int
    var refusals: [String: Int]
    var achievedRate: Double
    var seconds: Double
    /// Accepted webhooks whose command collected every expected acknowledgement.
    var acknowledged: Int
    /// Of those, how many took longer than a second.
    var acknowledgedLate: Int
    var httpLatency: LatencySummary
    /// Webhook due → the last expected acknowledgement seen on the broker.
    var endToEndLatency: LatencySummary
    /// The target process's CPU time over the trial per accepted webhook, when it was measured.
    var cpuMicrosecondsPerWebhook: Double?
    /// The whole machine's CPU over the trial per accepted webhook, by process, when it was measured.
    var machineShare: MachineShare?

    var lost: Int { accepted - acknowledged }

    /// Broadcasts to at least this many devices log when their acknowledgements were seen.
    static let spreadLoggedFrom = 1_000

    init(load: LoadOutcome, seen: AcknowledgementObserver.Snapshot, expectedAcknowledgements: Int) {
        plannedRate = nil
        cpuMicrosecondsPerWebhook = nil
        machineShare = nil
        requests = load.statuses.count
        accepted = load.succeeded
        refusals = load.failuresByStatus
        seconds = load.seconds
        achievedRate = load.seconds > 0 ? Double(load.succeeded) / load.seconds : 0
        httpLatency = load.httpLatency
        var commandBySequence: [Int: String] = [:]
        commandBySequence.reserveCapacity(seen.sequenceByCommand.count)
        for (command, sequence) in seen.sequenceByCommand { commandBySequence[sequence] = command }
        var acknowledged = 0
        var late = 0
        var endToEnd = LatencySummary()
        for (index, status) in load.statuses.enumerated() where status == 200 {
            guard let command = commandBySequence[load.firstSequence + index],
                let times = seen.acknowledgementsByCommand[command], times.count >= expectedAcknowledgements
            else { continue }
            let sortedTimes = times.sorted()
            let last = sortedTimes[expectedAcknowledgements - 1]
            if expectedAcknowledgements >= Self.spreadLoggedFrom,
                let spread = AcknowledgementSpread.text(
                    sortedTimes: sortedTimes, count: expectedAcknowledgements, start: load.sentAt[index])
            {
                BenchLog.line("broadcast to \(expectedAcknowledgements): \(spread) after the webhook was sent")
            }
            // Cannot happen with run-wide request numbers; a stray match is not counted rather than wrapped around.
            guard last >= load.sentAt[index] else { continue }
            let latency = last - load.sentAt[index]
            acknowledged += 1
            if latency > 1_000_000_000 { late += 1 }
            endToEnd.record(nanoseconds: latency)
        }
        self.acknowledged = acknowledged
        acknowledgedLate = late
        endToEndLatency = endToEnd
    }

    /// Every request accepted, and every accepted command acknowledged within a second.
    var sustained: Bool { accepted == requests && lost == 0 && acknowledgedLate == 0 }

    private var cpuText: String {
        cpuMicrosecondsPerWebhook.map { " cpu \(Int($0.rounded())) µs/webhook" } ?? ""
    }

    var summary: String {
        let refused = refusals.isEmpty ? "" : " refused \(refusals)"
        return """
            \(Int(achievedRate.rounded()))/s accepted \(accepted)/\(requests)\(refused) acknowledged \(acknowledged) \
            lost \(lost) late \(acknowledgedLate)\(cpuText) | http \(httpLatency.report.text) | end-to-end \(endToEndLatency.report.text)
            """
    }
}
