import Foundation
import HookcastTestSupport
import Testing

@testable import HookcastDevice

/// Fault 3 of docs/delivery.md: agent processes die (SIGKILL) in the middle of running commands and are started
/// again with their state file and persistent session. A command cut off mid-run is answered `failed`
/// ("interrupted"), never run a second time; the ones the agent had not started are redelivered and run.
@Suite("Fault injection: agent crash")
struct AgentCrashTests {
    @Test("Agents killed inside their handler and restarted: every command answered, none run twice")
    func killedInsideHandler() async throws {
        let broker = try await TestBroker()
        // Each hook runs 300 ms after writing its journal line, so a kill usually lands inside one.
        let fleet = try FaultFleet(prefix: "ak", count: 5, mqttPort: broker.port, hookDelay: 0.3)
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(2)) { gateway in
            let scenario = try await FaultScenario.prepare(gateway, fleet: fleet)
            try await fleet.startProcesses(gateway: gateway)
            let stream = WebhookStream(gateway: gateway, key: scenario.key, name: "agent-kill")
            let started = ContinuousClock.now
            let ids = fleet.ids
            let commandCount = FaultScenario.isLong ? 1_000 : 150
            async let sending: Void = stream.send(count: commandCount, concurrency: 2) { index in
                index % 10 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[index % ids.count])
            }
            var random = FaultScenario.randomness("agent-kill")
            var killed: [pid_t] = []
            for _ in 0..<(FaultScenario.isLong ? 30 : 6) {
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...900, using: &random)))
                guard let victim = ids.randomElement(using: &random) else { continue }
                if let pid = fleet.killProcess(victim) { killed.append(pid) }
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...500, using: &random)))
                try await fleet.startProcesses([victim], gateway: gateway)
            }
            try await sending
            let ledger = try await FaultLedger.verify(
                "agent-kill", gateway: gateway, fleet: fleet, commandIDs: stream.commandIDs, since: started,
                allowFailed: true)
            // Only an interruption may be a failure.
            #expect(ledger.failed <= (FaultScenario.isLong ? 30 : 6))
            await fleet.stopProcesses()
            // A killed agent cannot remove the directory of the hook it was running; each victim was started
            // again, and an agent removes such directories as it starts.
            let temporary = try FileManager.default.contentsOfDirectory(
                atPath: FileManager.default.temporaryDirectory.path)
            let abandoned = temporary.filter { HookScratch.owner(of: $0).map(killed.contains) ?? false }
            #expect(abandoned.isEmpty, "hook directories of killed agents left behind: \(abandoned)")
        }
    }
}
