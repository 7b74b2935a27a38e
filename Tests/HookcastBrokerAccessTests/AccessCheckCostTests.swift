import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Access check cost")
struct AccessCheckCostTests {
    /// mosquitto asks for every delivery: a broadcast to 100,000 devices is 100,000 checks. Prints what they cost
    /// here (a debug build on a shared machine: a figure to compare, never a bound), and checks the answers.
    @Test("100,000 delivery checks of group members: answers right, time printed")
    func broadcastChecks() {
        var state = Fixtures.state()
        let ids = (0..<1_000).map { "screen-\($0)-lobby" }
        _ = state.load(ids.map { Fixtures.device($0, groups: ["lobby", "floor-\($0.count % 3)"]) })
        let topic = "hookcast/v1/groups/lobby/commands"
        var allowed = 0
        let started = ContinuousClock.now
        for round in 0..<100 {
            for id in ids where state.authorize(username: id, access: .receive, topic: topic) == .allow {
                allowed += 1
            }
            if round == 0 {
                #expect(
                    state.authorize(username: ids[0], access: .receive, topic: "hookcast/v1/groups/x/commands") == .deny
                )
            }
        }
        let elapsed = ContinuousClock.now - started
        #expect(allowed == 100_000)
        print("broker-plugin-acl: 100000 delivery checks in \(elapsed) (debug build)")
    }
}
