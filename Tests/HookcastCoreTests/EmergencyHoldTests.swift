import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// The rules by which emergency commands and endings change holds and latched states, without a store.
@Suite struct EmergencyHoldRulesTests {
    private func emergency(
        _ state: EmergencyState, _ target: ActionTarget = .all, message: String? = nil, duration: Int? = nil,
        at offset: TimeInterval = 0, source: CommandSource = .webhook
    ) throws -> Command {
        var command = try makeCommand(issuedAt: referenceDate.addingTimeInterval(offset), target: target)
        command.function = .emergency
        command.params = ActionParameters(state: state, message: message, durationSeconds: duration)
        command.source = source
        return command
    }

    private func hold(_ command: Command) throws -> EmergencyHold {
        let change = try #require(EmergencyHoldRules.change(for: command, holds: [], states: []))
        return try #require(change.added.first)
    }

    @Test func anOnAddsAHoldThatEndsAfterItsDuration() throws {
        let on = try emergency(.on, message: "Storm", duration: 90)
        let change = try #require(EmergencyHoldRules.change(for: on, holds: [], states: []))
        #expect(change.states.map(\.state) == [.on])
        #expect(change.added.map(\.commandID) == [on.id])
        #expect(change.added.first?.endsAt == referenceDate.addingTimeInterval(90).roundedToMilliseconds)
        #expect(try EmergencyHoldRules.change(for: makeCommand(), holds: [], states: []) == nil)
    }

    @Test func aGroupOffEndsThatGroupsHoldsOnly() throws {
        let floor = ActionTarget.group(try groupID("floor"))
        let holds = [try hold(emergency(.on, floor)), try hold(emergency(.on, .all, at: 1))]
        let change = try #require(
            EmergencyHoldRules.change(for: try emergency(.off, floor, at: 2), holds: holds, states: []))
        #expect(change.removed == [holds[0].commandID])
        #expect(change.states.map(\.scope) == [floor])
    }

    @Test func theAllClearEndsEveryHoldAndScope() throws {
        let floor = ActionTarget.group(try groupID("floor"))
        let holds = [try hold(emergency(.on, floor)), try hold(emergency(.on, .all, at: 1))]
        let change = try #require(
            EmergencyHoldRules.change(
                for: try emergency(.off, at: 2), holds: holds, states: holds.map(\.state)))
        #expect(Set(change.removed) == Set(holds.map(\.commandID)))
        #expect(change.states.map(\.scope) == [.all, floor])
        #expect(change.states.allSatisfy { $0.state == .off })
    }

    @Test func theGatewaysOwnOffLeavesOtherScopesAndNewHoldsStanding() throws {
        let floor = ActionTarget.group(try groupID("floor"))
        let floorHold = try hold(emergency(.on, floor))
        let ended = try #require(
            EmergencyHoldRules.change(for: try emergency(.off, at: 2, source: .expiry), holds: [floorHold], states: []))
        #expect(ended.removed.isEmpty)
        #expect(ended.states.map(\.scope) == [.all])
        // A hold added to the scope after its last one ended keeps it on.
        let newer = try hold(emergency(.on, .all, at: 3))
        let kept = try #require(
            EmergencyHoldRules.change(
                for: try emergency(.off, at: 4, source: .cap), holds: [floorHold, newer], states: []))
        #expect(kept.isEmpty)
    }

    @Test func releasingTheNewestShowsTheOtherReleasingTheLastEmptiesTheScope() throws {
        let flood = try hold(emergency(.on, message: "Flood"))
        let storm = try hold(emergency(.on, message: "Storm", at: 5))
        let (first, emptiedFirst) = EmergencyHoldRules.release([storm.commandID], holds: [flood, storm])
        #expect(first.removed == [storm.commandID])
        #expect(first.states == [flood.state])
        #expect(emptiedFirst.isEmpty)

        let (older, emptiedOlder) = EmergencyHoldRules.release([flood.commandID], holds: [flood, storm])
        #expect(older.states.isEmpty, "the scope still shows the storm")
        #expect(emptiedOlder.isEmpty)

        let (last, emptied) = EmergencyHoldRules.release([flood.commandID], holds: [flood])
        #expect(last.removed == [flood.commandID])
        #expect(last.states.isEmpty)
        #expect(emptied == [flood])
        #expect(EmergencyHoldRules.release([UUID()], holds: [flood]).change.isEmpty)
    }

    @Test func dueAndNextEnd() throws {
        let soon = try hold(emergency(.on, duration: 10))
        let later = try hold(emergency(.on, duration: 60))
        let never = try hold(emergency(.on))
        let holds = [never, later, soon]
        #expect(EmergencyHoldRules.nextEnd(of: holds) == soon.endsAt)
        #expect(EmergencyHoldRules.due(holds, at: referenceDate.addingTimeInterval(30)) == [soon])
        #expect(EmergencyHoldRules.due(holds, at: referenceDate.addingTimeInterval(61)) == [soon, later])
    }
}

/// Holds in every store: written and removed together with states, in one change.
@Suite struct EmergencyHoldStoreTests {
    @Test(arguments: StoreKind.allCases)
    func holdsAreAddedAndRemovedWithTheirStates(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let floor = ActionTarget.group(try groupID("floor"))
            let first = EmergencyStateMessage(
                scope: .all, state: .on, message: "Flood", commandID: UUID(), since: referenceDate)
            let second = EmergencyStateMessage(
                scope: floor, state: .on, message: nil, commandID: UUID(), since: referenceDate.addingTimeInterval(1))
            let ending = referenceDate.addingTimeInterval(60)
            try await store.emergencies.apply(
                EmergencyChange(
                    states: [first, second],
                    added: [EmergencyHold(state: second, endsAt: nil), EmergencyHold(state: first, endsAt: ending)]))
            #expect(
                try await store.emergencies.holds()
                    == [EmergencyHold(state: first, endsAt: ending), EmergencyHold(state: second, endsAt: nil)])
            #expect(try await store.emergencies.all() == [first, second])

            var off = first
            off.state = .off
            off.message = nil
            try await store.emergencies.apply(EmergencyChange(states: [off], removed: [first.commandID]))
            #expect(try await store.emergencies.holds() == [EmergencyHold(state: second, endsAt: nil)])
            #expect(try await store.emergencies.all().first { $0.scope == .all } == off)
        }
    }
}
