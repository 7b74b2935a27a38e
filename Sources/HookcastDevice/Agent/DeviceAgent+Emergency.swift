import Foundation
import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// The state topics of the scopes this device belongs to: all devices, itself, and each of `groups`.
    func emergencyFilters(groups: some Sequence<GroupID>) -> [String] {
        [topics.emergencyState(.all), topics.emergencyState(.device(deviceID))]
            + groups.map { topics.emergencyState(.group($0)) }
    }

    static let overtakenReason = "overtaken by an emergency state"

    /// Run by a subscription's reader as an emergency state arrives, before it is queued behind the command being
    /// handled: a state that turns an emergency on (or changes its text) stops the running hook, and every hook
    /// until the handler has applied it. Returns whether it did so (the handler then counts it applied).
    func overtakeHooks(for message: MQTTMessage) -> Bool {
        guard let state = try? EmergencyStateMessage.decode(message.payload), state.state == .on,
            topics.emergencyState(state.scope) == message.topic
        else { return false }
        let (overtakes, running) = shared.withLock { agent -> (Bool, HookStop?) in
            // The same state again (a reconnect's retained copy) changes nothing on screen: no reason to stop.
            guard agent.latchedEmergency[state.scope] != state else { return (false, nil) }
            agent.overtakingEmergencies += 1
            return (true, agent.runningHook)
        }
        running?.request(reason: Self.overtakenReason)
        return overtakes
    }

    /// Takes a retained emergency state and shows what the scopes combine to (docs/protocol.md).
    func applyEmergencyState(_ message: MQTTMessage) {
        guard !message.payload.isEmpty else { return }
        guard let state = try? EmergencyStateMessage.decode(message.payload),
            state.version == EmergencyStateMessage.currentVersion,
            topics.emergencyState(state.scope) == message.topic
        else {
            logger.warning("ignoring an unreadable emergency state", metadata: ["topic": "\(message.topic)"])
            return
        }
        shared.withLock { agent in
            agent.latchedEmergency[state.scope] = state
            agent.resolveEmergency(for: deviceID)
        }
        logger.info(
            "emergency state", metadata: ["scope": "\(state.scope)", "state": "\(state.state.rawValue)"])
        persist()
    }
}

extension AgentState {
    /// Recomputes what the player shows from the latched scopes that apply to `device` now. Until a state has been
    /// heard (a gateway that publishes none), the emergency commands alone decide.
    mutating func resolveEmergency(for device: DeviceID) {
        guard !latchedEmergency.isEmpty else { return }
        let applicable = latchedEmergency.values.filter { state in
            switch state.scope {
            case .all: true
            case .device(let id): id == device
            case .group(let id): groups.contains(id)
            // Never latched: the gateway refuses an emergency on tags (`Action.validated()`).
            case .tag: false
            }
        }
        let effective = EmergencyResolver.resolve(applicable)
        player.emergency = PlayerState.EmergencyStatus(
            active: effective.active, message: effective.message, since: effective.since)
    }
}
