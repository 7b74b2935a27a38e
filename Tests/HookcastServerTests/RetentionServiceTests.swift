import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Logging
import Testing

@testable import HookcastServer

/// `--retention` on a real gateway over its SQLite file (issue 22): a store full of old finished commands shrinks
/// in the background while webhooks keep being answered, and `/metrics` counts what went.
@Suite("Retention: old commands pruned while webhooks are served")
struct RetentionServiceTests {
    static let oldCommands = 6_000
    static let devicesPerCommand = 5

    /// Old commands with every device's answer, written straight into the gateway's store before it starts.
    static func seed(_ directory: URL) async throws {
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: Logger(label: "seed"))
        let devices = try (1...devicesPerCommand).map { try DeviceID("old-\($0)") }
        let issued = Date().addingTimeInterval(-40 * 86_400)
        for chunk in stride(from: 0, to: oldCommands, by: 1_000) {
            let commands = try (chunk..<min(chunk + 1_000, oldCommands)).map { index in
                Command(
                    eventID: try EventID("old"), actionName: "old", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: devices,
                    issuedAt: issued.addingTimeInterval(Double(index)),
                    expiresAt: issued.addingTimeInterval(Double(index) + 60), apiKeyID: nil, source: .webhook)
            }
            try await store.commands.insert(commands)
            _ = try await store.deliveries.record(
                commands.flatMap { command in
                    devices.map {
                        AcknowledgementRecord(
                            commandID: command.id, deviceID: $0, state: .ok, detail: nil, executedAt: nil,
                            receivedAt: command.issuedAt)
                    }
                })
        }
        try await store.close()
    }

    @Test("Every webhook sent during the pruning is answered and kept; every old command and answer goes")
    func prunesWhileServing() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await Self.seed(directory)

        try await GatewayHarness.run(
            dataDirectory: directory,
            configure: {
                $0.retentionInterval = .milliseconds(200)
                $0.retention = RetentionPolicy(commands: .seconds(30 * 86_400), audit: nil)
            }
        ) { gateway in
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey()
            // Webhooks one after another until the old commands are gone: the first ones land mid-pruning.
            let answered = try await withTimeout(.seconds(120), "the old commands pruned") {
                var answered: [String] = []
                var total = Int.max
                while total > answered.count {
                    let result = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
                    #expect(result.status == .ok, "\(result.text)")
                    answered.append(try #require(result.string("command_id")))
                    total = try #require(try await gateway.admin(.get, "commands?limit=1")["total"]?.intValue)
                }
                return answered
            }
            #expect(answered.count >= 1)
            let kept = try await gateway.admin(.get, "commands?limit=500")
            let ids = (kept["items"]?.array ?? []).compactMap { $0.field("id")?.string }
            #expect(Set(ids) == Set(answered))
            let metrics = try await gateway.request(.get, "/metrics").text
            #expect(metrics.contains(#"hookcast_retention_pruned_total{kind="commands"} \#(Self.oldCommands)"#))
            #expect(
                metrics.contains(
                    #"hookcast_retention_pruned_total{kind="delivery_rows"} \#(Self.oldCommands * Self.devicesPerCommand)"#
                ))
        }
    }
}

extension JSONValue {
    fileprivate var intValue: Int? {
        if case .number(let value) = self { return Int(value) }
        return nil
    }
}
