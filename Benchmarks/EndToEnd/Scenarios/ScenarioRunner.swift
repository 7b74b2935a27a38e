import NIOPosix

/// Runs the scenarios against one target at a time, on the shared observer and load-generator thread.
struct ScenarioRunner {
    let observer: AcknowledgementObserver
    let group: MultiThreadedEventLoopGroup
    /// Request numbers are unique over the whole run: a slow peer's backlog still draining during the next trial
    /// must not be taken for that trial's requests.
    let sequences = SequenceSource()
    var trialSeconds = 5.0
    var startRate = 250.0
    var highestRate = 128_000.0

    private func plan(_ target: any WebhookTarget, total: Int, rate: Double?, connections: Int, query: String = "")
        -> LoadPlan
    {
        LoadPlan(
            port: target.port, path: target.path + query, headers: target.headers, total: total, rate: rate,
            connections: connections, firstSequence: sequences.take(total),
            body: { sequence in
                BenchEvents.body(event: BenchEvents.device(sequence % BenchEvents.deviceEvents + 1), sequence: sequence)
            })
    }

    /// Scenario 1: the highest rate at which every webhook is accepted and every command acknowledged within a
    /// second: doubles from `startRate` while trials pass, then bisects between the last pass and the first
    /// failure. Nil when even the lowest rate tried fails.
    func sustained(_ target: any WebhookTarget) async throws -> (best: TrialResult?, highestFailure: TrialResult?) {
        var best: TrialResult?
        var failure: TrialResult?
        var rate = startRate
        while rate <= highestRate {
            let result = try await trial(target, rate: rate)
            if result.sustained { best = result } else { failure = result; break }
            rate *= 2
        }
        if best == nil {
            // Below the start rate: a slow peer still gets a figure.
            for lower in [startRate / 2.5, startRate / 10] {
                let result = try await trial(target, rate: lower)
                if result.sustained { best = result; break }
            }
        }
        if let passed = best?.plannedRate, let failed = failure?.plannedRate {
            var low = passed
            var high = failed
            for _ in 0..<3 {
                let middle = (low * high).squareRoot()
                let result = try await trial(target, rate: middle)
                if result.sustained { best = result; low = middle } else { failure = result; high = middle }
            }
        }
        return (best, failure)
    }

    private func trial(_ target: any WebhookTarget, rate: Double) async throws -> TrialResult {
        let total = max(1, Int(rate * trialSeconds))
        var result = try await Trial(plan: plan(target, total: total, rate: rate, connections: 128))
            .run(observer: observer, group: group)
        result.plannedRate = rate
        BenchLog.line(
            "\(target.name) sustained @\(Int(rate))/s: \(result.sustained ? "pass" : "FAIL") \(result.summary)")
        try await Task.sleep(for: .seconds(2))
        return result
    }

    /// As fast as 64 connections go for `seconds`: the HTTP rate, and how much of it reached the devices. With
    /// `machine`, also where the machine's CPU went meanwhile, per webhook (`MachineShare`). A target that
    /// publishes nothing (the bare HTTP ceiling) is not waited on for acknowledgements.
    func closedLoop(
        _ target: any WebhookTarget, seconds: Double = 10, machine: MachineShare.Processes? = nil,
        publishes: Bool = true
    ) async throws -> TrialResult {
        var load = plan(target, total: 4_000_000, rate: nil, connections: 64)
        load.stopAfter = seconds
        let probe = machine.map(MachineShare.Probe.init)
        var result =
            publishes
            ? try await Trial(plan: load).run(observer: observer, group: group)
            : try await Trial(plan: load).runAnswersOnly(observer: observer, group: group)
        result.machineShare = probe?.share(accepted: result.accepted)
        BenchLog.line(
            "\(target.name) closed loop: \(result.summary)" + (result.machineShare.map { " | \($0.text)" } ?? ""))
        try await Task.sleep(for: .seconds(2))
        return result
    }

    /// Scenario 2: a fixed rate (1,000/s) for `seconds`, for the latency distribution and the CPU time the target
    /// spends per webhook (its process's user + system time over the trial, acknowledgements included).
    func fixedRate(_ target: any WebhookTarget, rate: Double = 1000, seconds: Double = 10) async throws -> TrialResult {
        var result = try await measuringCPU(of: target) {
            try await Trial(plan: plan(target, total: Int(rate * seconds), rate: rate, connections: 32))
                .run(observer: observer, group: group)
        }
        result.plannedRate = rate
        BenchLog.line("\(target.name) @\(Int(rate))/s: \(result.summary)")
        try await Task.sleep(for: .seconds(1))
        return result
    }

    /// Scenario 2's floor: the same rate against a target that publishes nothing (the bare HTTP ceiling), so no
    /// acknowledgement is awaited. Its CPU per request is what the HTTP framework alone costs at this rate, a floor
    /// under every webhook's CPU that no gateway built on it can go below.
    func fixedRateHTTPOnly(_ target: any WebhookTarget, rate: Double = 1000, seconds: Double = 10)
        async throws -> TrialResult
    {
        var result = try await measuringCPU(of: target) {
            try await Trial(plan: plan(target, total: Int(rate * seconds), rate: rate, connections: 32))
                .runAnswersOnly(observer: observer, group: group)
        }
        result.plannedRate = rate
        BenchLog.line("\(target.name) @\(Int(rate))/s, HTTP only: \(result.summary)")
        try await Task.sleep(for: .seconds(1))
        return result
    }

    /// Scenario 3: one webhook to every device (or the group), `repetitions` times; the median by the time the
    /// last acknowledgement was seen. The target's CPU time over each (until the observer saw every
    /// acknowledgement) is its `cpuMicrosecondsPerWebhook`: for one webhook, the whole broadcast's cost. Hookcast is
    /// asked to hold its answer until it has recorded every acknowledgement (`?wait=30`), so its HTTP latency is
    /// "until the gateway recorded all".
    func broadcast(_ target: any WebhookTarget, event: String, devices: Int, repetitions: Int = 3)
        async throws -> [TrialResult]
    {
        var results: [TrialResult] = []
        for _ in 0..<repetitions {
            var load = plan(
                target, total: 1, rate: nil, connections: 1, query: target is HookcastTarget ? "?wait=30" : "")
            let sequence = load.firstSequence
            load.body = { _ in BenchEvents.body(event: event, sequence: sequence) }
            let result = try await measuringCPU(of: target) {
                try await Trial(plan: load, expectedAcknowledgements: devices).run(observer: observer, group: group)
            }
            BenchLog.line("\(target.name) \(event) to \(devices): \(result.summary)")
            results.append(result)
            try await Task.sleep(for: .seconds(2))
        }
        return results
    }

    /// Runs `trial` and sets its `cpuMicrosecondsPerWebhook`: the target process's CPU time over it (from
    /// /proc/PID/stat) per accepted webhook.
    private func measuringCPU(of target: any WebhookTarget, _ trial: () async throws -> TrialResult)
        async throws -> TrialResult
    {
        let pid = target.processID
        let cpuBefore = pid.flatMap(ProcessCPUTime.milliseconds(of:))
        var result = try await trial()
        if let pid, let cpuBefore, let cpuAfter = ProcessCPUTime.milliseconds(of: pid), result.accepted > 0 {
            result.cpuMicrosecondsPerWebhook = (cpuAfter - cpuBefore) * 1000 / Double(result.accepted)
        }
        return result
    }
}
