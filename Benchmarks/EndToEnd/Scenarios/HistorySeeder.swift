import Foundation
import HookcastCore
import HookcastProtocol
import Logging

/// Writes a history of finished commands straight into a gateway's store (while it is stopped): each to one of the
/// fleet's devices, published and acknowledged `ok`, spread over the past days, as a long-running gateway's store
/// would hold them. Through HookcastCore's own repositories, so the rows are exactly what the gateway writes.
enum HistorySeeder {
    static func seed(dataDirectory: URL, commands: Int, devices: Int, batch: Int = 5000) async throws {
        var logger = Logger(label: "hookcast-bench.seed")
        logger.logLevel = .warning
        let store = try await SQLiteStore.open(dataDirectory: dataDirectory, logger: logger)
        let began = ContinuousClock.now
        let start = Date().addingTimeInterval(-7 * 86_400)
        let eventID = try EventID(BenchEvents.device(1))
        var written = 0
        while written < commands {
            let count = min(batch, commands - written)
            var batchCommands: [Command] = []
            var acknowledgements: [AcknowledgementRecord] = []
            batchCommands.reserveCapacity(count)
            acknowledgements.reserveCapacity(count)
            for offset in 0..<count {
                let number = written + offset
                let device = try DeviceID(BenchFleet.deviceID(number % devices + 1))
                let issued = start.addingTimeInterval(Double(number) * 0.5)
                let command = Command(
                    id: .timeOrdered(at: issued), eventID: eventID, actionName: "bench history", function: .sendSensorEvent,
                    params: ActionParameters(),
                    sensorData: SensorData(id: String(number), event: "history", value: .number(Double(number))),
                    target: .device(device), expectedDevices: [device], issuedAt: issued,
                    expiresAt: issued.addingTimeInterval(600), apiKeyID: nil, source: .webhook, publishedAt: issued)
                batchCommands.append(command)
                acknowledgements.append(
                    AcknowledgementRecord(
                        commandID: command.id, deviceID: device, state: .ok, detail: nil,
                        executedAt: issued.addingTimeInterval(0.01), receivedAt: issued.addingTimeInterval(0.02)))
            }
            try await store.commands.insert(batchCommands)
            _ = try await store.deliveries.record(acknowledgements)
            written += count
            if written % 100_000 == 0 { BenchLog.line("history: \(written)/\(commands) commands written") }
        }
        try await store.close()
        BenchLog.line("history: \(commands) commands in \(ContinuousClock.now - began)")
    }
}
