import Foundation
import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// Publishes the retained presence. `online` carries the player's state and, as `since`, the time of the
    /// connection (`connected` marks a new one); `offline` carries no state, like the Last Will, and the gateway
    /// keeps the last state reported.
    func publishPresence(_ status: PresenceStatus, connected: Bool = false) async throws {
        let now = Date()
        let (since, state) = shared.withLock { agent -> (Date, ReportedDeviceState?) in
            guard status == .online else { return (now, nil) }
            if connected || agent.onlineSince == nil { agent.onlineSince = now }
            agent.reportedState = agent.player.reported
            return (agent.onlineSince ?? now, agent.reportedState)
        }
        let message = PresenceMessage(deviceID: deviceID, status: status, since: since, state: state)
        try await client.publish(
            to: topics.deviceStatus(deviceID), payload: message.encoded(), qos: .atLeastOnce, retain: true,
            properties: Self.jsonProperties)
    }

    /// Publishes `online` again if what the player shows differs from what the last presence said. A failure is
    /// logged: the next command executed, config or emergency state, or the next connection, reports it again.
    func publishStateIfChanged() async {
        let changed = shared.withLock { $0.player.reported != $0.reportedState }
        guard changed, client.state.isConnected else { return }
        do {
            try await publishPresence(.online)
        } catch {
            // Forgotten, so the next chance (see above) tries again even if nothing changed meanwhile.
            shared.withLock { $0.reportedState = nil }
            logger.warning("could not publish the device state", metadata: ["error": "\(error)"])
        }
    }
}
