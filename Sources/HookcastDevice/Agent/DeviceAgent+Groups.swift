import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// Follows the retained config: subscribes to the command topics of groups added, unsubscribes from groups
    /// removed. An empty payload means the device was deleted: it leaves every group.
    func applyConfig(_ message: MQTTMessage) async {
        let wanted: Set<GroupID>
        if message.payload.isEmpty {
            logger.notice("device config cleared; leaving every group")
            wanted = []
        } else {
            do {
                let config = try DeviceConfigMessage.decode(message.payload)
                guard config.version == DeviceConfigMessage.currentVersion else {
                    logger.warning("ignoring a device config of unknown version", metadata: ["v": "\(config.version)"])
                    return
                }
                guard config.deviceID == deviceID else {
                    logger.warning(
                        "ignoring a device config for another device", metadata: ["for": "\(config.deviceID)"])
                    return
                }
                wanted = Set(config.groups)
            } catch {
                logger.warning("ignoring an undecodable device config", metadata: ["error": "\(error)"])
                return
            }
        }
        let current = shared.withLock { $0.groups }
        for group in current.subtracting(wanted).sorted() {
            do {
                try await client.unsubscribe(from: Topics.groupCommands(group))
                try await client.unsubscribe(from: Topics.emergencyState(.group(group)))
            } catch {
                // The local stream is gone either way; a broker subscription left over only delivers messages
                // nothing here listens to.
                logger.warning(
                    "could not unsubscribe from a group", metadata: ["group": "\(group)", "error": "\(error)"])
            }
            shared.withLock { agent in
                agent.groups.remove(group)
                agent.latchedEmergency[.group(group)] = nil
                agent.resolveEmergency(for: deviceID)
            }
            logger.info("left group", metadata: ["group": "\(group)"])
        }
        for group in wanted.subtracting(current).sorted() {
            do {
                forward(try await client.subscribe(to: Topics.groupCommands(group), qos: .atLeastOnce))
                _ = shared.withLock { $0.groups.insert(group) }
                forward(try await client.subscribe(to: Topics.emergencyState(.group(group)), qos: .atLeastOnce))
                logger.info("joined group", metadata: ["group": "\(group)"])
            } catch {
                // The next config message (every change of membership sends one) tries again.
                logger.error("could not subscribe to a group", metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
        if wanted != current { persist() }
    }
}
