import ArgumentParser
import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Synchronization

/// `hookcast-bench retention` (issue 22): a SQLite store holding `--commands` old finished commands, each with
/// `--devices` answers, pruned by the gateway's own `RetentionPruner` while webhook-sized writes (one synced
/// command insert each, what a webhook stores) go on at a steady rate; prints their latency without pruning and
/// during it, and the ratio of the p99s.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Webhook store writes while a million old commands are pruned.")

    @Option(help: "Old finished commands in the store before pruning.")
    var commands = 1_000_000

    @Option(help: "Answers (delivery rows) per old command.")
    var devices = 2

    @Option(help: "Webhook writes per second, spread over --writers.")
    var rate = 200

    @Option(help: "Concurrent writers, as concurrent webhooks.")
    var writers = 8

    @Option(help: "Seconds of writes without pruning, the baseline.")
    var seconds = 10

    @Option(name: .customLong("work-dir"), help: "Where the store's file goes (removed afterwards).")
    var workDirectory: String

    func run() async throws {
        let directory = URL(fileURLWithPath: workDirectory).appendingPathComponent("retention-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: logger)
        let seeding = ContinuousClock.now
        try await seed(store)
        print(
            "seeded \(commands) old commands with \(commands * devices) answers in "
                + "\(format((ContinuousClock.now - seeding).timeInterval)) s")

        let baseline = try await measureWrites(
            store,
            while: { started in
                ContinuousClock.now - started < .seconds(seconds)
            })
        let pruner = RetentionPruner(
            repository: try requireRetention(store),
            policy: RetentionPolicy(commands: .seconds(30 * 86_400), audit: nil))
        let finished = DoneFlag()
        let pruning = Task { () -> (PrunedRecords, Duration) in
            defer { finished.set() }
            let started = ContinuousClock.now
            let pruned = try await pruner.prune()
            return (pruned, ContinuousClock.now - started)
        }
        let during = try await measureWrites(store, while: { _ in !finished.isSet })
        let (pruned, took) = try await pruning.value
        let left = try await store.commands.count()
        try await store.close()

        print("webhook store writes without pruning: \(baseline.report.text) (\(baseline.count) writes)")
        print("webhook store writes during pruning:  \(during.report.text) (\(during.count) writes)")
        print(
            "pruned \(pruned.commands) commands and \(pruned.deliveryRows) answers in \(format(took.timeInterval)) s "
                + "(\(Int(Double(pruned.commands + pruned.deliveryRows) / max(took.timeInterval, 0.001))) rows/s); "
                + "commands left: \(left) (the writes' own)")
        if let before = baseline.report.p99, let after = during.report.p99, before > 0 {
            print("p99 during pruning / without: \(format(after / before))")
        }
    }

    private func requireRetention(_ store: SQLiteStore) throws -> any RetentionRepository {
        guard let retention = store.retention else { throw ValidationError("The SQLite store has no retention.") }
        return retention
    }

    private func seed(_ store: SQLiteStore) async throws {
        let issued = Date().addingTimeInterval(-40 * 86_400)
        let deviceIDs = try (0..<devices).map { try DeviceID("screen-\($0)") }
        for start in stride(from: 0, to: commands, by: 2_000) {
            let batch = try (start..<min(start + 2_000, commands)).map { index in
                Command(
                    eventID: try EventID("old"), actionName: "old", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: deviceIDs,
                    issuedAt: issued.addingTimeInterval(Double(index) / 1000),
                    expiresAt: issued.addingTimeInterval(Double(index) / 1000 + 60), apiKeyID: nil, source: .webhook)
            }
            try await store.commands.insert(batch)
            _ = try await store.deliveries.record(
                batch.flatMap { command in
                    deviceIDs.map {
                        AcknowledgementRecord(
                            commandID: command.id, deviceID: $0, state: .ok, detail: nil, executedAt: nil,
                            receivedAt: command.issuedAt)
                    }
                })
        }
    }

    /// Writes one new command per call, `rate` a second over `writers`, until `going` says stop.
    private func measureWrites(
        _ store: SQLiteStore, while going: @escaping @Sendable (ContinuousClock.Instant) -> Bool
    ) async throws -> LatencySummary {
        let started = ContinuousClock.now
        let interval = Duration.seconds(Double(writers) / Double(max(rate, 1)))
        let device = try DeviceID("screen-0")
        return try await withThrowingTaskGroup(of: LatencySummary.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    var latencies = LatencySummary()
                    var next = ContinuousClock.now
                    while going(started) {
                        let command = Command(
                            eventID: try EventID("new"), actionName: "new", function: .refreshContent,
                            params: .init(), sensorData: nil, target: .device(device), expectedDevices: [device],
                            issuedAt: Date(), expiresAt: Date().addingTimeInterval(60), apiKeyID: nil,
                            source: .webhook)
                        let before = ContinuousClock.now
                        try await store.commands.insert(command)
                        let (seconds, attoseconds) = (ContinuousClock.now - before).components
                        latencies.record(
                            nanoseconds: UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
                        next += interval
                        if next > ContinuousClock.now { try await Task.sleep(until: next) }
                    }
                    return latencies
                }
            }
            var all = LatencySummary()
            for try await latencies in group { all.add(latencies) }
            return all
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// Whether the pruning has ended, read by the writers between writes without awaiting it.
private final class DoneFlag: Sendable {
    private let done = Mutex(false)
    var isSet: Bool { done.withLock { $0 } }
    func set() { done.withLock { $0 = true } }
}
