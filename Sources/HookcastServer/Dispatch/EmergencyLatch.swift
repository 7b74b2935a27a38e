import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

/// Keeps the emergency state latched: every emergency command also sets its scope's state, stored and published
/// retained on the scope's state topic (never a command topic), so a device that reconnects or reboots shows the
/// right state at once. Each `on` is a hold on its scope until an `off`, its `duration_seconds` or its alert ends
/// it; the scope is `on` while any hold remains (EmergencyHoldRules). An all-devices `off` from a webhook is the
/// all-clear: it ends every hold and turns every scope off.
struct EmergencyLatch: Sendable {
    let client: any BrokerPublishing
    let store: any HookcastStore
    let logger: Logger
    /// One change at a time in this gateway, so each reads the holds the previous one wrote.
    private let sequencer = KeyedSequencer<Int>()
    /// Rung when a hold with an end is added, so the expiry service looks at the next end again.
    let endings = Doorbell()

    let topics: Topics

    init(client: any BrokerPublishing, store: any HookcastStore, logger: Logger, topics: Topics = .standard) {
        self.topics = topics
        self.client = client
        self.store = store
        self.logger = logger
    }

    /// Records the holds and states `command` changes; returns the states for publishing. Not an emergency
    /// command: nothing.
    func latch(_ command: Command) async throws -> [EmergencyStateMessage] {
        guard command.function == .emergency else { return [] }
        return try await sequencer.run(for: 0) { () async throws -> [EmergencyStateMessage] in
            let holds = try await store.emergencies.holds()
            let states = command.params.state == .off ? try await store.emergencies.all() : []
            guard let change = EmergencyHoldRules.change(for: command, holds: holds, states: states) else {
                return []
            }
            try await store.emergencies.apply(change)
            if change.added.contains(where: { $0.endsAt != nil }) { endings.ring() }
            return change.states
        }
    }

    /// Ends the holds of `commandIDs`. Returns the states to publish (scopes that keep another hold and now show
    /// it) and, per scope left without a hold, its last hold, for the caller to turn off with a command.
    func release(_ commandIDs: Set<UUID>) async throws -> (states: [EmergencyStateMessage], emptied: [EmergencyHold]) {
        try await sequencer.run(for: 0) { () async throws -> ([EmergencyStateMessage], [EmergencyHold]) in
            let (change, emptied) = EmergencyHoldRules.release(commandIDs, holds: try await store.emergencies.holds())
            try await store.emergencies.apply(change)
            return (change.states, emptied)
        }
    }

    /// Turns a scope off without a command: for a scope whose `off` command could not be made (its group was
    /// deleted meanwhile), so its state does not stay `on` for ever.
    func turnOff(_ scope: ActionTarget, endedBy commandID: UUID) async throws -> [EmergencyStateMessage] {
        try await sequencer.run(for: 0) { () async throws -> [EmergencyStateMessage] in
            let holds = try await store.emergencies.holds()
            guard !holds.contains(where: { $0.scope == scope }) else { return [] }
            let off = EmergencyStateMessage(
                scope: scope, state: .off, message: nil, commandID: commandID, since: Date())
            try await store.emergencies.apply(EmergencyChange(states: [off]))
            return [off]
        }
    }

    /// Publishes states retained; while disconnected it does nothing, and `publishAll` runs on every (re)connect.
    func publish(_ states: [EmergencyStateMessage]) async {
        guard client.state.isConnected else { return }
        for state in states {
            do {
                try await client.publish(
                    to: topics.emergencyState(state.scope), payload: state.encoded(), qos: .atLeastOnce, retain: true,
                    properties: MQTTPublishProperties(contentType: "application/json"))
            } catch {
                logger.warning(
                    "emergency state not published", metadata: ["scope": "\(state.scope)", "error": "\(error)"])
            }
        }
    }

    func publishAll() async {
        do {
            await publish(try await store.emergencies.all())
        } catch {
            logger.warning("emergency states not published", metadata: ["error": "\(error)"])
        }
    }
}
