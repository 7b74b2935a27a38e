import Foundation
import HookcastTestSupport
import Testing

/// Fault 4 of docs/delivery.md: the agents' network to the broker goes dead (a relay the test owns stops
/// carrying bytes, as a pulled cable would) for longer than the acknowledgement deadline, then heals.
@Suite("Fault injection: network partition")
struct PartitionTests {
    @Test(
        "Agents cut off past the acknowledgement deadline, then past their keepalive: every command lands after healing"
    )
    func partitionedAndHealed() async throws {
        let broker = try await TestBroker()
        let proxy = try TCPProxy(upstreamPort: broker.port)
        defer { proxy.close() }
        // Keepalive 5 s, the shortest libmosquitto accepts: a silent link is given up after 1.5 times that at the
        // earliest (mosquitto 2.0.11 took about 12 s here).
        let fleet = try FaultFleet(prefix: "np", count: 10, mqttPort: proxy.port, keepAlive: 5)
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(2)) { gateway in
            let scenario = try await FaultScenario.prepare(gateway, fleet: fleet)
            try await fleet.start(gateway: gateway)
            let ids = fleet.ids
            // Short (4 s, past the 2 s deadline, within the keepalive): the connections survive and the bytes
            // flow on after healing. Long (until the broker declared every agent gone): both ends drop the
            // connection, the broker queues for the persistent sessions, and the agents reconnect after healing.
            for name in ["partition-short", "partition-long"] {
                proxy.partition()
                let started = ContinuousClock.now
                let stream = WebhookStream(gateway: gateway, key: scenario.key, name: name)
                try await stream.send(count: 60) { index in
                    index % 6 == 0 ? FaultScenario.groupEvent : FaultScenario.deviceEvent(ids[index % ids.count])
                }
                if name == "partition-short" {
                    try await Task.sleep(until: started + .seconds(4))
                } else {
                    // Until the broker has given up on every silent agent and published its Last Will.
                    try await withTimeout(.seconds(30), "every agent declared offline") {
                        while true {
                            let devices = try await gateway.admin(.get, "devices")
                            let items = devices["items"]?.arrayItems ?? []
                            if !items.isEmpty && items.allSatisfy({ $0.field("online") == .bool(false) }) { return }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    print("partition-long: every agent offline \(ContinuousClock.now - started) into the cut")
                }
                proxy.heal()
                try await FaultLedger.verify(
                    name, gateway: gateway, fleet: fleet, commandIDs: stream.commandIDs, since: started)
            }
            await fleet.stop()
        }
    }
}
