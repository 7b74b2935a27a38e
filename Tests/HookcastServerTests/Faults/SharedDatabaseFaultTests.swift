import Foundation
import HookcastPostgres
import HookcastPostgresTestSupport
import HookcastTestSupport
import Testing

/// Fault 7 of docs/delivery.md: two gateway processes on one PostgreSQL database and one broker, behind a
/// round-robin caller, and one of them dies (SIGKILL). The other goes on answering, takes over the work that must
/// happen once when the dead one held it, and nothing accepted is lost or run twice.
@Suite("Fault injection: gateways sharing a database")
struct SharedDatabaseFaultTests {
    /// Two gateway processes on a database of their own, both answering HTTP.
    static func startPair(mqttPort: Int, database: PostgresLocation, deadline: Int) async throws -> [GatewayProcess] {
        let url = "postgres://\(database.user)@\(database.host):\(database.port)/\(database.database)?sslmode=disable"
        let first = try GatewayProcess(mqttPort: mqttPort, acknowledgementDeadline: deadline, store: url)
        try await first.start()
        let second = try GatewayProcess(
            mqttPort: mqttPort, acknowledgementDeadline: deadline, store: url, sharing: first)
        try await second.start()
        for gateway in [first, second] { try await gateway.client.waitUntilReady() }
        return [first, second]
    }

    /// Until exactly one of `gateways` says it leads; returns it.
    static func leader(of gateways: [GatewayProcess]) async throws -> GatewayProcess {
        try await withTimeout(.seconds(30), "one gateway leading") {
            while true {
                var leading: [GatewayProcess] = []
                for gateway in gateways where await gateway.isLeading() { leading.append(gateway) }
                if leading.count == 1 { return leading[0] }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test("One of two gateways killed with SIGKILL at random points of a round-robin stream, restarted: nothing lost")
    func killedDuringStream() async throws {
        try await SharedPostgres.withDatabase { database in
            let broker = try await TestBroker()
            let gateways = try await Self.startPair(mqttPort: broker.port, database: database, deadline: 2)
            let fleet = try FaultFleet(prefix: "sk", count: 20, mqttPort: broker.port)
            let scenario = try await FaultScenario.prepare(gateways[0].client, fleet: fleet)
            try await fleet.start(gateway: gateways[0].client)

            let commandCount = FaultScenario.isLong ? 10_000 : 2_000
            var random = FaultScenario.randomness("shared-kill")
            let killPoints = (0..<(FaultScenario.isLong ? 8 : 4)).map { _ in
                (
                    at: Int.random(in: commandCount / 10..<commandCount * 9 / 10, using: &random),
                    gateway: Int.random(in: 0..<2, using: &random)
                )
            }.sorted { $0.at < $1.at }
            let stream = WebhookStream(gateways: gateways.map(\.client), key: scenario.key, name: "shared-kill")
            let started = ContinuousClock.now
            let ids = fleet.ids
            async let sending: Void = stream.send(count: commandCount) { index in
                index % 50 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[index % ids.count])
            }
            for point in killPoints {
                try await stream.waitUntilAccepted(point.at)
                gateways[point.gateway].kill()
                try await gateways[point.gateway].start()
            }
            try await sending
            try await FaultLedger.verify(
                "shared-kill", gateway: gateways[1].client, fleet: fleet, commandIDs: stream.commandIDs,
                since: started, timeout: .seconds(FaultScenario.isLong ? 600 : 180))
            await fleet.stop()
            for gateway in gateways { await gateway.stop() }
            withExtendedLifetime(broker) {}
        }
    }

    @Test("The gateway leading redelivery killed while a device's commands overflow its queue: the other takes over")
    func leaderKilledWhileRedelivering() async throws {
        try await SharedPostgres.withDatabase { database in
            let queueLimit = 20
            let commandCount = 100
            let broker = try await TestBroker(extraConfiguration: ["max_queued_messages \(queueLimit)"])
            let gateways = try await Self.startPair(mqttPort: broker.port, database: database, deadline: 1)
            let fleet = try FaultFleet(prefix: "sl", count: 1, mqttPort: broker.port)
            let device = try #require(fleet.ids.first)
            let scenario = try await FaultScenario.prepare(gateways[0].client, fleet: fleet)
            // Once online, so the broker keeps a session and a queue for it; then away.
            try await fleet.start(gateway: gateways[0].client)
            await fleet.stop()
            let stream = WebhookStream(gateways: gateways.map(\.client), key: scenario.key, name: "shared-lead")
            let started = ContinuousClock.now
            try await stream.send(count: commandCount, concurrency: 4) { _ in FaultScenario.deviceEvent(device) }

            // The leader is redelivering into the full queue by now; it dies, and the survivor must lead.
            let leader = try await Self.leader(of: gateways)
            leader.kill()
            let survivor = try #require(gateways.first { $0 !== leader })
            #expect(try await Self.leader(of: [survivor]) === survivor)
            try await fleet.start(gateway: survivor.client)
            try await FaultLedger.verify(
                "shared-lead", gateway: survivor.client, fleet: fleet, commandIDs: stream.commandIDs, since: started)

            // With the old leader gone for good, the deliveries past the queue's 20 were sent again by the survivor.
            var redelivered = 0
            for id in stream.commandIDs {
                let status = try await survivor.client.admin(.get, "commands/\(id)")
                if case .array(let devices)? = status["devices"],
                    case .number(let count)? = devices.first?.field(
                        "redeliveries"), count >= 1
                {
                    redelivered += 1
                }
            }
            print(
                "shared-lead: \(redelivered) of \(commandCount) commands needed a redelivery (broker queue \(queueLimit))"
            )
            #expect(redelivered >= commandCount - queueLimit)
            await fleet.stop()
            await survivor.stop()
        }
    }
}
