import Foundation
import HookcastProtocol

/// The order of the whole run. Targets take turns, one process at a time, on the same broker and fleet, so none
/// competes with another for the two cores.
struct BenchSession {
    let runner: ScenarioRunner
    let observer: AcknowledgementObserver
    let fleet: BenchFleet
    let presence: PresenceCounter
    let hookcast: HookcastTarget
    let peers: [PeerTarget]
    let logDirectory: URL
    let mqttPort: Int
    /// The bench broker's process (scripts/bench started it), for the closed loop's machine share.
    let brokerPID: pid_t?
    let topics: Topics
    let accounts: BenchAccounts
    let quick: Bool
    let broadcastRepetitions: Int
    var results: BenchResults

    private var targets: [any WebhookTarget] { peers + [hookcast] }

    mutating func runAll(sizes: [Int], historyCommands: Int) async throws {
        guard let baseSize = sizes.first else { return }
        try await provisionDevices(baseSize)
        try await fleet.grow(to: baseSize, presence: presence)
        try await measureCeilings()
        for target in targets {
            try await runLoadScenarios(target, devices: baseSize)
        }
        for size in sizes {
            if size > fleet.size {
                try await provisionDevices(size)
                try await fleet.grow(to: size, presence: presence)
            }
            try await runBroadcasts(devices: size)
        }
        try await measureMemory(devices: sizes.last ?? baseSize, historyCommands: quick ? 20_000 : historyCommands)
    }

    /// Hookcast's broadcasts and the raw fan-out alone, fleet size by fleet size.
    mutating func runBroadcastsOnly(sizes: [Int]) async throws {
        for size in sizes where size > fleet.size {
            try await provisionDevices(size)
            try await fleet.grow(to: size, presence: presence)
            try await runBroadcasts(devices: size)
        }
    }

    /// The memory scenario alone, the fleet grown first in the same steps as a whole run grows it (so in as many
    /// processes, whose shared pages the simulator's figure counts once per process).
    mutating func runMemoryOnly(sizes: [Int], historyCommands: Int) async throws {
        for size in sizes where size > fleet.size {
            try await provisionDevices(size)
            try await fleet.grow(to: size, presence: presence)
        }
        try await measureMemory(devices: fleet.size, historyCommands: historyCommands)
    }

    func stopAll() async {
        for target in targets { await target.stop() }
        await fleet.stop()
    }

    /// Registers the devices up to `count` in Hookcast before they connect: on this broker a device logs in only
    /// with the account Hookcast made for it, whose password the import answers once. Only as many as the fleet
    /// is about to have: a broadcast to all waits for every registered device, so devices registered ahead of
    /// their simulation would keep it waiting for its whole deadline. An import never changes the password of a
    /// device that exists, so the connected part of the fleet keeps its own.
    private func provisionDevices(_ count: Int) async throws {
        try await hookcast.start(fleetSize: count)
        let passwords = hookcast.takeDevicePasswords()
        await stop(hookcast)
        try fleet.writePasswords(passwords)
        BenchLog.line("fleet: \(passwords.count) device passwords written")
    }

    // MARK: Ceilings

    private mutating func measureCeilings() async throws {
        let mqtt = try await MQTTCeiling.measure(
            mqttPort: mqttPort, accounts: accounts, count: quick ? 50_000 : 200_000)
        BenchLog.line("ceiling mqtt: \(Int(mqtt.messagesPerSecond)) msg/s (\(mqtt.received)/\(mqtt.published))")
        results.ceilings.mqttQoS1MessagesPerSecond = mqtt.messagesPerSecond
        var mqttRow = BenchResult(scenario: "sustained", target: "ceiling-mqtt", label: "Raw libmosquitto QoS 1")
        mqttRow.ratePerSecond = mqtt.messagesPerSecond
        mqttRow.accepted = mqtt.published
        mqttRow.acknowledged = mqtt.received
        mqttRow.lost = mqtt.published - mqtt.received
        mqttRow.notes = "publish → one subscriber, 1,000 in flight; no HTTP"
        results.results.append(mqttRow)

        let bare = BareHTTPTarget(logDirectory: logDirectory)
        try await bare.start(fleetSize: fleet.size)
        let http: TrialResult
        let httpAt1000: TrialResult
        do {
            http = try await runner.closedLoop(bare, seconds: quick ? 3 : 10, publishes: false)
            httpAt1000 = try await runner.fixedRateHTTPOnly(bare, rate: 1000, seconds: quick ? 3 : 10)
        } catch {
            await bare.stop()
            throw error
        }
        await bare.stop()
        results.ceilings.httpRequestsPerSecond = http.achievedRate
        results.results.append(httpOnlyRow("max_http", bare, http))
        results.ceilings.httpCPUMicrosecondsPerRequestAt1000 = httpAt1000.cpuMicrosecondsPerWebhook
        var floorRow = httpOnlyRow("latency_at_1000", bare, httpAt1000)
        floorRow.notes = "HTTP only: the framework's CPU per request at this rate is a floor under any webhook's"
        results.results.append(floorRow)
    }

    /// A row of the bare HTTP ceiling: nothing behind it publishes, so acknowledgements do not apply.
    private func httpOnlyRow(_ scenario: String, _ target: BareHTTPTarget, _ trial: TrialResult) -> BenchResult {
        var row = BenchResult(scenario: scenario, target: target)
        row.take(trial)
        row.acknowledged = nil
        row.lost = nil
        row.latency = nil
        return row
    }

    // MARK: Scenarios 1 and 2

    private mutating func runLoadScenarios(_ target: any WebhookTarget, devices: Int) async throws {
        try await target.start(fleetSize: devices)
        let (best, failure) = try await runner.sustained(target)
        var sustained = BenchResult(scenario: "sustained", target: target, devices: devices)
        if let best { sustained.take(best) }
        if let failure {
            sustained.notes = "next rate tried, \(Int(failure.plannedRate ?? 0))/s: \(failure.summary)"
        } else if best == nil {
            sustained.notes = "no rate tried was sustained"
        }
        results.results.append(sustained)

        var closed = BenchResult(scenario: "max_http", target: target, devices: devices)
        let machine = MachineShare.Processes(
            target: target.processID, broker: brokerPID, devices: fleet.processes.map(\.pid))
        closed.take(try await runner.closedLoop(target, seconds: quick ? 3 : 10, machine: machine))
        results.results.append(closed)

        var latency = BenchResult(scenario: "latency_at_1000", target: target, devices: devices)
        latency.take(try await runner.fixedRate(target, rate: 1000, seconds: quick ? 3 : 10))
        results.results.append(latency)
        await stop(target)
    }

    // MARK: Scenario 3

    private mutating func runBroadcasts(devices: Int) async throws {
        let repetitions = broadcastRepetitions
        for target in targets {
            try await target.start(fleetSize: devices)
            let all = try await runner.broadcast(
                target, event: BenchEvents.all, devices: devices, repetitions: repetitions)
            results.results.append(broadcastRow("broadcast", target, devices: devices, all))
            if target.supportsGroups {
                let members = (1...devices).count(where: BenchEvents.isInGroup)
                let group = try await runner.broadcast(
                    target, event: BenchEvents.tenthGroup, devices: members, repetitions: repetitions)
                results.results.append(broadcastRow("group_broadcast", target, devices: members, group))
            }
            await stop(target)
        }
        try await measureFanOutCeilings(devices: devices, repetitions: repetitions)
    }

    /// The raw fan-out, and the same with a second reader of every acknowledgement (what the broker does in
    /// Hookcast's broadcast, where the gateway and the observer both read them), in turns.
    private mutating func measureFanOutCeilings(devices: Int, repetitions: Int) async throws {
        let second = try AcknowledgementObserver(
            mqttPort: mqttPort, topics: topics, login: accounts.login(BenchAccounts.observer))
        try await second.start()
        var once: [Double] = []
        var twice: [Double] = []
        for _ in 0..<repetitions {
            for reading in [false, true] {
                if let time = try await FanOutCeiling.measure(
                    mqttPort: mqttPort, topics: topics, accounts: accounts, devices: devices, observer: observer,
                    secondObserver: reading ? second : nil)
                {
                    if reading { twice.append(time) } else { once.append(time) }
                }
                try await Task.sleep(for: .seconds(2))
            }
        }
        await second.stop()
        let median: ([Double]) -> Double? = { $0.sorted().dropFirst($0.count / 2).first }
        let runs: ([Double]) -> String = { "\($0.map { Int($0.rounded()) }) ms" }
        BenchLog.line("ceiling fan-out to \(devices): \(runs(once)); acknowledgements read twice: \(runs(twice))")
        results.ceilings.fanoutMilliseconds[String(devices)] = median(once)
        results.ceilings.fanoutReadTwiceMilliseconds[String(devices)] = median(twice)
        var row = BenchResult(scenario: "broadcast", target: "ceiling-fanout", label: "Raw libmosquitto fan-out")
        row.devices = devices
        row.allAcknowledgedMilliseconds = median(once)
        row.notes = "one QoS 1 publish to the broadcast topic; runs: \(runs(once))"
        results.results.append(row)
        var readTwice = BenchResult(
            scenario: "broadcast", target: "ceiling-fanout-read-twice",
            label: "Raw fan-out, acknowledgements read twice")
        readTwice.devices = devices
        readTwice.allAcknowledgedMilliseconds = median(twice)
        readTwice.ratioToCeiling = median(twice).flatMap { twice in median(once).map { twice / $0 } }
        readTwice.notes = "the same, and a second client reading every acknowledgement; runs: \(runs(twice))"
        results.results.append(readTwice)
    }

    /// The median run. For Hookcast the time is its answer to `?wait=30`: until the gateway recorded every
    /// acknowledgement; for a peer, until the observer saw the last one.
    private func broadcastRow(_ scenario: String, _ target: any WebhookTarget, devices: Int, _ runs: [TrialResult])
        -> BenchResult
    {
        var row = BenchResult(scenario: scenario, target: target, devices: devices)
        let complete = runs.filter { $0.acknowledged == 1 }
        let time: (TrialResult) -> Double? = {
            target is HookcastTarget ? $0.httpLatency.maximumMilliseconds : $0.endToEndLatency.maximumMilliseconds
        }
        let times = complete.compactMap(time).sorted()
        row.allAcknowledgedMilliseconds = times.isEmpty ? nil : times[times.count / 2]
        row.accepted = runs.reduce(0) { $0 + $1.accepted }
        row.acknowledged = complete.count
        row.lost = runs.reduce(0) { $0 + $1.lost }
        let cpu = runs.compactMap(\.cpuMicrosecondsPerWebhook).sorted()
        row.cpuMicrosecondsPerWebhook = cpu.isEmpty ? nil : cpu[cpu.count / 2]
        let seen = runs.map {
            $0.endToEndLatency.maximumMilliseconds.map { String(format: "%.0f", $0) } ?? "incomplete"
        }
        let cpuText =
            cpu.isEmpty ? "" : "; \(target.name)'s CPU per broadcast: \(cpu.map { Int(($0 / 1000).rounded()) }) ms"
        row.notes =
            "runs: \(runs.map { time($0).map { String(format: "%.0f", $0) } ?? "-" }) ms; last ack seen on broker: \(seen) ms"
            + cpuText
        return row
    }

    // MARK: Scenario 4

    private mutating func measureMemory(devices: Int, historyCommands: Int) async throws {
        await hookcast.stop()
        try await HistorySeeder.seed(
            dataDirectory: hookcast.dataDirectory, commands: historyCommands, devices: devices)
        try await hookcast.start(fleetSize: devices)
        try await Task.sleep(for: .seconds(5))
        let idle = hookcast.memory
        let load = try await runner.fixedRate(hookcast, rate: 1000, seconds: quick ? 3 : 10)
        _ = try await runner.broadcast(hookcast, event: BenchEvents.all, devices: devices, repetitions: 1)
        let after = hookcast.memory
        await stop(hookcast)
        var row = BenchResult(scenario: "memory", target: hookcast, devices: devices)
        row.take(load)
        row.gatewayResidentMiB = after.map { Double($0.resident) / 1_048_576 }
        row.gatewayPeakResidentMiB = after.map { Double($0.peak) / 1_048_576 }
        let fleetMemory = fleet.memory
        row.simulatorKiBPerDevice = Double(fleetMemory.resident) / Double(max(fleet.size, 1)) / 1024
        row.notes = """
            \(historyCommands) commands of history; RSS idle \(Self.split(idle)), \
            after 1,000 webhooks/s and a broadcast \(Self.split(after)); simulator's anonymous memory \
            \(String(format: "%.1f", Double(fleetMemory.anonymous) / Double(max(fleet.size, 1)) / 1024)) KiB/device \
            in \(fleet.processes.count) processes
            """
        BenchLog.line("memory: \(row.notes ?? "")")
        results.results.append(row)
    }

    /// "62 MiB (anonymous 16, file 46)": the file part is the executable's and libraries' pages.
    private static func split(_ memory: ResidentMemory?) -> String {
        guard let memory else { return "unknown" }
        return
            "\(memory.resident / 1_048_576) MiB (anonymous \(memory.anonymous / 1_048_576), file \(memory.file / 1_048_576))"
    }

    private func stop(_ target: any WebhookTarget) async {
        await target.stop()
        if let hookcast = target as? HookcastTarget { try? await hookcast.forgetBrokerSession() }
    }
}
