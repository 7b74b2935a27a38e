import Foundation
import HookcastCore
import HookcastDevice
import HookcastTestSupport
import Testing

/// Breaks things on purpose and checks that no command is lost (docs/delivery.md). Real processes: the broker is
/// a mosquitto from broker.conf that the test kills with SIGKILL.
@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("Broker killed (SIGKILL) and restarted twice during a stream: every device acknowledges every command")
    func brokerKilledDuringStream() async throws {
        let broker = try TestBroker()
        let agentCount = 10
        let commandCount = 300
        let suffix = UUID().uuidString.prefix(6)
        let ids = (0..<agentCount).map { "fi\($0)-\(suffix)" }
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(2)) { gateway in
            for id in ids { _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#) }
            let members = ids.map { "\"\($0)\"" }.joined(separator: ",")
            _ = try await gateway.admin(.post, "groups", #"{"id":"fleet-\#(suffix)","members":[\#(members)]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"tick","function":"refresh_content","target":{"kind":"group","id":"fleet-\#(suffix)"},"ttl_seconds":600}"#
            )
            let key = try await gateway.createKey().secret
            var agents: [(DeviceAgent, Task<Void, any Error>)] = []
            for id in ids { agents.append(try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)) }
            let fleet = agents
            try await withTimeout(.seconds(10), "agents joined the group") {
                while fleet.contains(where: { $0.0.groups.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
            }

            let started = ContinuousClock.now
            var commandIDs: [String] = []
            for index in 0..<commandCount {
                if index == commandCount / 3 || index == 2 * commandCount / 3 {
                    broker.kill()
                    try await Task.sleep(for: .milliseconds(300))
                    try broker.start()
                }
                // A webhook may meet the gateway while it has not noticed the broker is gone: retry as a caller
                // would, with an Idempotency-Key so a retry cannot double the command.
                let answer = try await Self.accepted(gateway, key: key, idempotencyKey: "tick-\(index)")
                commandIDs.append(try #require(answer.string("command_id")))
            }
            let ids = commandIDs
            let (acked, incomplete) = try await withTimeout(.seconds(90), "every command acknowledged") {
                while true {
                    var acked = 0
                    var incomplete = 0
                    for id in ids {
                        let status = try await gateway.admin(.get, "commands/\(id)")
                        if case .number(let ok)? = status["totals"]?.field("ok") { acked += Int(ok) }
                        if status["totals"]?.field("ok") != .number(Double(agentCount)) { incomplete += 1 }
                    }
                    if incomplete == 0 { return (acked, incomplete) }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            let elapsed = ContinuousClock.now - started
            let executed = fleet.map { $0.0.state.commandsExecuted }.reduce(0, +)
            let expected = commandCount * agentCount
            print(
                "broker-kill: sent \(expected), acked \(acked), lost \(expected - acked), "
                    + "duplicates executed \(executed - expected), time-to-all-acked \(elapsed)")
            #expect(incomplete == 0)
            #expect(acked == expected)
            #expect(executed == expected)
            for (agent, task) in fleet {
                await agent.stop()
                _ = try? await task.value
            }
        }
    }

    static func accepted(_ gateway: GatewayClient, key: String, idempotencyKey: String) async throws -> HTTPResult {
        try await withTimeout(.seconds(20), "webhook \(idempotencyKey) accepted") {
            while true {
                let answer = try await gateway.request(
                    .post, "/public-api/integration/webhooks",
                    headers: [
                        .contentType: "application/json", .init("x-webhook-apikey")!: key,
                        .init("idempotency-key")!: idempotencyKey,
                    ],
                    body: #"{"event_id":"tick"}"#)
                if answer.status == .ok { return answer }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
