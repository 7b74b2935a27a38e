import Foundation
import HookcastTestSupport
import Testing

/// Fault 5 of docs/delivery.md: an offline device is sent more commands than the broker queues for it. mosquitto
/// drops the excess while still acknowledging each publish to the gateway; only the missing acknowledgements
/// show it, and redelivery has to make up for it.
@Suite("Fault injection: broker queue overflow")
struct QueueOverflowTests {
    @Test("An offline device sent more than max_queued_messages commands gets every one of them once it returns")
    func offlineDeviceOverflowsItsQueue() async throws {
        let queueLimit = 20
        let commandCount = 100
        let broker = try await TestBroker(extraConfiguration: ["max_queued_messages \(queueLimit)"])
        let fleet = try FaultFleet(prefix: "qo", count: 1, mqttPort: broker.port)
        let device = try #require(fleet.ids.first)
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(1)) { gateway in
            let scenario = try await FaultScenario.prepare(gateway, fleet: fleet)
            // Once online, so the broker holds a persistent session (and a queue) for it; then away.
            try await fleet.start(gateway: gateway)
            await fleet.stop()
            let stream = WebhookStream(gateway: gateway, key: scenario.key, name: "queue-overflow")
            let started = ContinuousClock.now
            try await stream.send(count: commandCount, concurrency: 4) { _ in FaultScenario.deviceEvent(device) }
            // Away past several redelivery rounds, which meet the same full queue.
            try await Task.sleep(for: .seconds(3))
            try await fleet.start(gateway: gateway)
            try await FaultLedger.verify(
                "queue-overflow", gateway: gateway, fleet: fleet, commandIDs: stream.commandIDs, since: started)

            #expect(broker.log.contains("Outgoing messages are being dropped for client \(device)"), "\(broker.log)")
            // The per-device state tells which deliveries took more than one try.
            var redelivered = 0
            for id in stream.commandIDs {
                let status = try await gateway.admin(.get, "commands/\(id)")
                if case .array(let devices)? = status["devices"],
                    case .number(let count)? = devices.first?.field("redeliveries"),
                    count >= 1
                {
                    redelivered += 1
                }
            }
            print(
                "queue-overflow: \(redelivered) of \(commandCount) commands needed a redelivery (broker queue \(queueLimit))"
            )
            #expect(redelivered >= commandCount - queueLimit)
            await fleet.stop()
        }
    }
}
