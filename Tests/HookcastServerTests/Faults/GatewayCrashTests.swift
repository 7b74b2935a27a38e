import Foundation
import HookcastTestSupport
import Testing

/// Fault 2 of docs/delivery.md: the gateway process dies (SIGKILL) and is started again on the same data
/// directory. What it answered `success` to is in its database; the outbox and redelivery finish the job.
@Suite("Fault injection: gateway crash")
struct GatewayCrashTests {
    /// A broker, a gateway process connected to it, and a registered fleet of in-process agents, all running.
    static func start(agents: Int, prefix: String) async throws -> (
        TestBroker, GatewayProcess, FaultFleet, FaultScenario
    ) {
        let broker = try await TestBroker()
        let gateway = try GatewayProcess(mqttPort: broker.port, acknowledgementDeadline: 2)
        try await gateway.start()
        try await gateway.client.waitUntilReady()
        let fleet = try FaultFleet(prefix: prefix, count: agents, mqttPort: broker.port)
        let scenario = try await FaultScenario.prepare(gateway.client, fleet: fleet)
        try await fleet.start(gateway: gateway.client)
        return (broker, gateway, fleet, scenario)
    }

    @Test("Gateway killed between accepting and publishing (broker away), restarted: every accepted command lands")
    func killedBetweenAcceptAndPublish() async throws {
        let (broker, gateway, fleet, scenario) = try await Self.start(agents: 10, prefix: "gp")

        // With the broker gone every webhook is accepted into the outbox (answered queued) and none is published;
        // then the gateway dies with all of them there.
        await broker.kill()
        let stream = WebhookStream(gateway: gateway.client, key: scenario.key, name: "gateway-kill-before-publish")
        let started = ContinuousClock.now
        let ids = fleet.ids
        try await stream.send(count: 200) {
            $0 % 4 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[$0 % ids.count])
        }
        #expect(stream.queuedCount == 200, "every webhook answered queued: in the outbox, unpublished")
        gateway.kill()
        try await broker.start()
        try await gateway.start()
        try await FaultLedger.verify(
            "gateway-kill-before-publish", gateway: gateway.client, fleet: fleet, commandIDs: stream.commandIDs,
            since: started)
        await fleet.stop()
        await gateway.stop()
    }

    @Test("Gateway killed with SIGKILL at random points of a stream and restarted each time: nothing lost")
    func killedDuringStream() async throws {
        // The broker is held to the end: dropping it would stop it.
        let (broker, gateway, fleet, scenario) = try await Self.start(agents: 20, prefix: "gk")
        defer { withExtendedLifetime(broker) {} }

        let commandCount = FaultScenario.isLong ? 10_000 : 2_000
        var random = FaultScenario.randomness("gateway-kill")
        let killPoints = (0..<(FaultScenario.isLong ? 8 : 3)).map { _ in
            Int.random(in: commandCount / 10..<commandCount * 9 / 10, using: &random)
        }.sorted()
        let stream = WebhookStream(gateway: gateway.client, key: scenario.key, name: "gateway-kill")
        let started = ContinuousClock.now
        let ids = fleet.ids
        async let sending: Void = stream.send(count: commandCount) { index in
            index % 50 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[index % ids.count])
        }
        for point in killPoints {
            try await stream.waitUntilAccepted(point)
            gateway.kill()
            try await gateway.start()
        }
        try await sending
        try await FaultLedger.verify(
            "gateway-kill", gateway: gateway.client, fleet: fleet, commandIDs: stream.commandIDs, since: started,
            timeout: .seconds(FaultScenario.isLong ? 600 : 180))
        await fleet.stop()
        await gateway.stop()
    }
}
