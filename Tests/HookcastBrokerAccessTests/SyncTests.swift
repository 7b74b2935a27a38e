import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Reconciliation (beginSync / endSync)")
struct SyncTests {
    @Test("endSync removes and disconnects every account not put since beginSync")
    func removesUnput() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("keep"), Fixtures.device("stale"), Fixtures.device("changed")]))
        let (results, outcome) = state.send(
            .beginSync(generation: 7),
            .putDevices([Fixtures.device("keep"), Fixtures.device("changed", groups: ["g"])]),
            .endSync(generation: 7))
        #expect(results[2] == BrokerControlResult(command: "endSync", count: 1))
        #expect(outcome.kicks == ["stale"])
        #expect(outcome.changes == [.put(Fixtures.device("changed", groups: ["g"])), .delete(try! DeviceID("stale"))])
        #expect(state.sortedAccounts.map(\.id.rawValue) == ["changed", "keep"])
    }

    @Test("a sync spread over several requests keeps what each request put")
    func acrossRequests() {
        var state = Fixtures.state()
        _ = state.send(.putDevices((0..<10).map { Fixtures.device("d\($0)") }))
        _ = state.send(.beginSync(generation: 1))
        _ = state.send(.putDevices((0..<4).map { Fixtures.device("d\($0)") }))
        _ = state.send(.putDevices((4..<6).map { Fixtures.device("d\($0)") }))
        let (results, outcome) = state.send(.endSync(generation: 1))
        #expect(results[0].count == 4)
        #expect(Set(outcome.kicks) == Set((6..<10).map { "d\($0)" }))
        #expect(state.devices.count == 6)
    }

    @Test("endSync of another generation, or without beginSync, is refused and removes nothing")
    func wrongGeneration() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("d1")]))
        #expect(state.send(.endSync(generation: 1)).results[0].error != nil)
        _ = state.send(.beginSync(generation: 1))
        let (results, outcome) = state.send(.endSync(generation: 2))
        #expect(results[0].error != nil)
        #expect(outcome.changes.isEmpty && outcome.kicks.isEmpty)
        #expect(state.devices.count == 1)
    }

    @Test("a later beginSync abandons the earlier one")
    func laterBeginWins() {
        var state = Fixtures.state()
        _ = state.send(.putDevices([Fixtures.device("a"), Fixtures.device("b")]))
        _ = state.send(.beginSync(generation: 1), .putDevices([Fixtures.device("a")]))
        _ = state.send(.beginSync(generation: 2), .putDevices([Fixtures.device("b")]))
        #expect(state.send(.endSync(generation: 1)).results[0].error != nil)
        let (results, outcome) = state.send(.endSync(generation: 2))
        #expect(results[0].count == 1)
        #expect(outcome.kicks == ["a"])
        #expect(state.send(.endSync(generation: 2)).results[0].error != nil, "a sync ends once")
    }
}
