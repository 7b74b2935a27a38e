import Foundation
import HookcastPostgresTestSupport
import HookcastTestSupport
import Testing

/// Fault 8 of docs/delivery.md: the database goes away under load. PostgreSQL (a server of the test's own) is
/// stopped with a fast shutdown for 5 s in the middle of a stream, then started again. Callers retry with their
/// `Idempotency-Key`, as `WebhookStream` does. While it is down readiness and webhooks answer 503; once it is back
/// the gateway takes webhooks again, and every command it answered `success` for is delivered once.
@Suite("Fault injection: PostgreSQL stopped")
struct StoreOutageTests {
    @Test("PostgreSQL stopped for 5 s in the middle of a 1,000-webhook stream: 503 meanwhile, nothing lost")
    func postgresStoppedDuringStream() async throws {
        let postgres = try await TestPostgres()
        let location = try postgres.location
        let broker = try await TestBroker()
        let fleet = try FaultFleet(prefix: "pg", count: 10, mqttPort: broker.port)
        try await GatewayHarness.run(
            mqttPort: broker.port, acknowledgementDeadline: .seconds(2),
            configure: { $0.store = .postgres(location) }
        ) { gateway in
            let scenario = try await FaultScenario.prepare(gateway, fleet: fleet)
            try await fleet.start(gateway: gateway)
            let commandCount = 1_000
            let stream = WebhookStream(gateway: gateway, key: scenario.key, name: "postgres-stop")
            let started = ContinuousClock.now
            let ids = fleet.ids
            async let sending: Void = stream.send(count: commandCount) { index in
                index % 50 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[index % ids.count])
            }
            try await stream.waitUntilAccepted(commandCount / 3)
            await postgres.stop()
            let readiness = try await gateway.request(.get, "/readyz")
            #expect(readiness.status == .serviceUnavailable, "\(readiness.text)")
            #expect(readiness["store"] == .string("unreachable"), "\(readiness.text)")
            let refused = try await gateway.postWebhook(
                key: scenario.key, body: #"{"event_id":"\#(FaultScenario.groupEvent)"}"#)
            #expect(refused.status == .serviceUnavailable, "\(refused.text)")
            #expect(refused.headers[.retryAfter] != nil, "\(refused.text)")
            try await Task.sleep(for: .seconds(5))

            try await postgres.start()
            try await sending
            #expect(try await gateway.request(.get, "/readyz").status == .ok)
            try await FaultLedger.verify(
                "postgres-stop", gateway: gateway, fleet: fleet, commandIDs: stream.commandIDs, since: started)
            await fleet.stop()
        }
    }
}
