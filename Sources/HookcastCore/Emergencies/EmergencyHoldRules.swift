import Foundation
import HookcastProtocol

/// How emergency commands and endings change the holds and the latched states: pure, so every rule is tested apart
/// from the store and the broker. The caller serializes changes (one at a time) and writes each in one transaction.
public enum EmergencyHoldRules {
    /// What an emergency command changes, given the holds and the stored states; nil for any other command.
    /// - `on`: a hold of its own (ending `duration_seconds` after it was issued, when given), and its scope shows it.
    /// - `off` on a group or device: that scope's holds end, whoever made them.
    /// - `off` on all devices, from a webhook or the test button: the all-clear, every hold ends and every scope
    ///   turns off.
    /// - `off` the gateway issues because a scope's last hold ended (source `cap` or `expiry`): that scope only, and
    ///   only if no hold was added to it since.
    public static func change(
        for command: Command, holds: [EmergencyHold], states: [EmergencyStateMessage]
    ) -> EmergencyChange? {
        guard let state = EmergencyStateMessage(command: command) else { return nil }
        switch state.state {
        case .on:
            let endsAt = command.params.durationSeconds.map {
                command.issuedAt.addingTimeInterval(TimeInterval($0))
            }
            return EmergencyChange(states: [state], added: [EmergencyHold(state: state, endsAt: endsAt)])
        case .off:
            guard command.source.mayClearEveryScope else {
                // The gateway's own `off`, for a scope whose last hold ended: a hold added since then stands.
                guard !holds.contains(where: { $0.scope == state.scope }) else { return EmergencyChange() }
                return EmergencyChange(states: [state])
            }
            guard state.scope == .all else {
                return EmergencyChange(
                    states: [state], removed: holds.filter { $0.scope == state.scope }.map(\.commandID))
            }
            let others = Set(holds.map(\.scope) + states.filter { $0.state == .on }.map(\.scope))
                .subtracting([.all])
                .sorted { $0.emergencyScopeKey < $1.emergencyScopeKey }
            let offs = others.map {
                EmergencyStateMessage(
                    scope: $0, state: .off, message: nil, commandID: command.id, since: command.issuedAt)
            }
            return EmergencyChange(states: [state] + offs, removed: holds.map(\.commandID))
        }
    }

    /// What ending the holds of `commandIDs` (a duration passed, an alert was cancelled or expired) changes. A scope
    /// that keeps other holds shows the newest of them; a scope left with none is in `emptied` (its newest ended
    /// hold), for the caller to turn off with a command of its own, so devices acknowledge the end as they did
    /// the start.
    public static func release(
        _ commandIDs: Set<UUID>, holds: [EmergencyHold]
    ) -> (change: EmergencyChange, emptied: [EmergencyHold]) {
        let ending = holds.filter { commandIDs.contains($0.commandID) }
        guard !ending.isEmpty else { return (EmergencyChange(), []) }
        var change = EmergencyChange(removed: ending.map(\.commandID))
        var emptied: [EmergencyHold] = []
        let scopes = Set(ending.map(\.scope)).sorted { $0.emergencyScopeKey < $1.emergencyScopeKey }
        for scope in scopes {
            let before = holds.filter { $0.scope == scope }
            let remaining = before.filter { !commandIDs.contains($0.commandID) }
            if let shown = newest(remaining) {
                // Only when what the scope shows changes: ending an older hold leaves the newest one's message.
                if shown != newest(before) { change.states.append(shown.state) }
            } else if let last = newest(before) {
                emptied.append(last)
            }
        }
        return (change, emptied)
    }

    /// The holds whose end has come by `now`, soonest first.
    public static func due(_ holds: [EmergencyHold], at now: Date) -> [EmergencyHold] {
        holds.filter { ($0.endsAt ?? .distantFuture) <= now }.sorted { ($0.endsAt ?? now) < ($1.endsAt ?? now) }
    }

    /// The next time a hold ends by itself, if any does.
    public static func nextEnd(of holds: [EmergencyHold]) -> Date? {
        holds.compactMap(\.endsAt).min()
    }

    /// The hold a scope shows: the latest issued, ties broken by command id (time-ordered UUIDs).
    static func newest(_ holds: [EmergencyHold]) -> EmergencyHold? {
        holds.max { ($0.state.since, $0.commandID.uuidString) < ($1.state.since, $1.commandID.uuidString) }
    }
}
