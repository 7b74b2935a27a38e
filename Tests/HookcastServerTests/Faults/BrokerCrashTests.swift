import Foundation
import HookcastTestSupport
import Testing

/// Fault 1 of docs/delivery.md: the broker dies (SIGKILL) at random points of a stream and comes back on its
/// persistence file.
@Suite("Fault injection: broker crash")
struct BrokerCrashTests {
    @Test("Broker killed with SIGKILL at random points of a 5,000-command stream to 50 agents: nothing lost")
    func brokerKilledDuringStream() async throws {
        let broker = try await TestBroker()
        let commandCount = FaultScenario.isLong ? 20_000 : 5_000
        let kills = FaultScenario.isLong ? 6 : 3
        var random = FaultScenario.randomness("broker-kill")
        let killPoints = (0..<kills).map { _ in
            Int.random(in: commandCount / 10..<commandCount * 9 / 10, using: &random)
        }
        .sorted()
        let downtimes = killPoints.map { _ in Int.random(in: 100...800, using: &random) }
        let fleet = try FaultFleet(prefix: "bk", count: 50, mqttPort: broker.port)
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(2)) { gateway in
            let scenario = try await FaultScenario.prepare(gateway, fleet: fleet)
            try await fleet.start(gateway: gateway)
            let stream = WebhookStream(gateway: gateway, key: scenario.key, name: "broker-kill")
            let started = ContinuousClock.now
            let ids = fleet.ids
            async let sending: Void = stream.send(count: commandCount) {
                FaultScenario.deviceEvent(ids[$0 % ids.count])
            }
            for (point, downtime) in zip(killPoints, downtimes) {
                try await stream.waitUntilAccepted(point)
                await broker.kill()
                try await Task.sleep(for: .milliseconds(downtime))
                try await broker.start()
            }
            try await sending
            try await FaultLedger.verify(
                "broker-kill", gateway: gateway, fleet: fleet, commandIDs: stream.commandIDs, since: started,
                timeout: .seconds(FaultScenario.isLong ? 600 : 180))
            await fleet.stop()
        }
    }
}
