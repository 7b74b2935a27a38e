import Foundation
import HookcastTestSupport
import Testing

/// What every fault test sets up on its gateway: the fleet's devices, one group of them all, an action per device
/// (`tick-<device>`) and one for the group (`tick-group`), all `refresh_content` with a ten-minute TTL.
struct FaultScenario {
    let key: String
    let groupID: String
    static let groupEvent = "tick-group"

    static func deviceEvent(_ device: String) -> String { "tick-\(device)" }

    /// The longer variants: `HOOKCAST_FAULTS_LONG=1 scripts/test --filter Fault`.
    static var isLong: Bool { ProcessInfo.processInfo.environment["HOOKCAST_FAULTS_LONG"] == "1" }

    /// A seeded generator, its seed printed so a failing run can be repeated (`HOOKCAST_FAULTS_SEED`).
    static func randomness(_ name: String) -> SeededRandom {
        let seed =
            ProcessInfo.processInfo.environment["HOOKCAST_FAULTS_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        print("\(name): seed \(seed)")
        return SeededRandom(seed: seed)
    }

    static func prepare(_ gateway: GatewayClient, fleet: FaultFleet) async throws -> FaultScenario {
        for id in fleet.ids {
            let created = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            #expect(created.status == .created, "\(created.text)")
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"\#(deviceEvent(id))","function":"refresh_content","target":{"kind":"device","id":"\#(id)"},"ttl_seconds":600}"#
            )
        }
        let groupID = "fleet-\(UUID().uuidString.prefix(6).lowercased())"
        let members = fleet.ids.map { "\"\($0)\"" }.joined(separator: ",")
        _ = try await gateway.admin(.post, "groups", #"{"id":"\#(groupID)","members":[\#(members)]}"#)
        let action = try await gateway.admin(
            .post, "actions",
            #"{"event_id":"\#(groupEvent)","function":"refresh_content","target":{"kind":"group","id":"\#(groupID)"},"ttl_seconds":600}"#
        )
        #expect(action.status == .created, "\(action.text)")
        return FaultScenario(key: try await gateway.createKey().secret, groupID: groupID)
    }
}
