import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

/// Keeps the emergency state latched: every emergency command also sets its scope's state, stored and published
/// retained on the scope's state topic (never a command topic), so a device that reconnects or reboots shows the
/// right state at once. An all-devices `off` is the all-clear: it turns every group and device scope off too.
struct EmergencyLatch: Sendable {
    let client: any BrokerPublishing
    let store: any HookcastStore
    let logger: Logger

    /// Records the states `command` sets; returns them for publishing. Not an emergency command: nothing.
    func latch(_ command: Command) async throws -> [EmergencyStateMessage] {
        guard let state = EmergencyStateMessage(command: command) else { return [] }
        var changes = [state]
        if state.scope == .all && state.state == .off {
            changes += try await store.emergencies.all()
                .filter { $0.scope != .all && $0.state == .on }
                .map {
                    EmergencyStateMessage(
                        scope: $0.scope, state: .off, message: nil, commandID: command.id, since: command.issuedAt)
                }
        }
        try await store.emergencies.save(changes)
        return changes
    }

    /// Publishes states retained; while disconnected it does nothing, and `publishAll` runs on every (re)connect.
    func publish(_ states: [EmergencyStateMessage]) async {
        guard client.state.isConnected else { return }
        for state in states {
            do {
                try await client.publish(
                    to: Topics.emergencyState(state.scope), payload: state.encoded(), qos: .atLeastOnce, retain: true,
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
