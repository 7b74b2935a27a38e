import Foundation
import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// The state topics of the scopes this device belongs to: all devices, itself, and each of `groups`.
    func emergencyFilters(groups: some Sequence<GroupID>) -> [String] {
        [Topics.emergencyState(.all), Topics.emergencyState(.device(deviceID))]
            + groups.map { Topics.emergencyState(.group($0)) }
    }

    static func isEmergencyState(_ topic: String) -> Bool {
        topic.hasPrefix(Topics.root + "/state/emergency/")
    }

    /// Takes a retained emergency state and shows what the scopes combine to (docs/protocol.md).
    func applyEmergencyState(_ message: MQTTMessage) {
        guard !message.payload.isEmpty else { return }
        guard let state = try? EmergencyStateMessage.decode(message.payload),
            state.version == EmergencyStateMessage.currentVersion,
            Topics.emergencyState(state.scope) == message.topic
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
            }
        }
        let effective = EmergencyResolver.resolve(applicable)
        player.emergency = PlayerState.EmergencyStatus(
            active: effective.active, message: effective.message, since: effective.since)
    }
}
