import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// Follows the retained config: subscribes to the command topics of groups and tags added, unsubscribes from
    /// those removed. An empty payload means the device was deleted: it leaves every group and tag.
    func applyConfig(_ message: MQTTMessage) async {
        let wanted: Set<GroupID>
        let wantedTags: Set<String>
        if message.payload.isEmpty {
            logger.notice("device config cleared; leaving every group and tag")
            wanted = []
            wantedTags = []
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
                wantedTags = Set(config.tags)
            } catch {
                logger.warning("ignoring an undecodable device config", metadata: ["error": "\(error)"])
                return
            }
        }
        let current = shared.withLock { $0.groups }
        for group in current.subtracting(wanted).sorted() {
            do {
                try await client.unsubscribe(from: topics.groupCommands(group))
                try await client.unsubscribe(from: topics.emergencyState(.group(group)))
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
                forward(try await client.subscribe(to: topics.groupCommands(group), qos: .atLeastOnce))
                _ = shared.withLock { $0.groups.insert(group) }
                forward(try await client.subscribe(to: topics.emergencyState(.group(group)), qos: .atLeastOnce))
                logger.info("joined group", metadata: ["group": "\(group)"])
            } catch {
                // The next config message (every change of membership sends one) tries again.
                logger.error("could not subscribe to a group", metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
        let tagsChanged = await follow(tags: wantedTags)
        if wanted != current || tagsChanged { persist() }
    }

    /// Subscribes to the command topics of tags added and unsubscribes from those removed; returns whether the
    /// tags changed. A tag is taken as followed only once its subscription succeeded, so the next config retries.
    private func follow(tags wanted: Set<String>) async -> Bool {
        let current = shared.withLock { $0.tags }
        for tag in current.subtracting(wanted).sorted() {
            do {
                try await client.unsubscribe(from: topics.tagCommands(tag))
            } catch {
                logger.warning("could not unsubscribe from a tag", metadata: ["tag": "\(tag)", "error": "\(error)"])
            }
            _ = shared.withLock { $0.tags.remove(tag) }
            logger.info("left tag", metadata: ["tag": "\(tag)"])
        }
        for tag in wanted.subtracting(current).sorted() {
            do {
                forward(try await client.subscribe(to: topics.tagCommands(tag), qos: .atLeastOnce))
                _ = shared.withLock { $0.tags.insert(tag) }
                logger.info("joined tag", metadata: ["tag": "\(tag)"])
            } catch {
                logger.error("could not subscribe to a tag", metadata: ["tag": "\(tag)", "error": "\(error)"])
            }
        }
        return wanted != current
    }
}
