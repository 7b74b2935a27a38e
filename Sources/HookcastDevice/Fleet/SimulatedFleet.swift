// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import Foundation
    import HookcastProtocol
    import Logging
    import Mosquitto

    /// The devices of a `FleetSimulator`, driven by the pool's loop thread: the protocol of docs/protocol.md as the
    /// reference agent speaks it, with every command acknowledged at once (`ok`) and carried out once per id.
    final class SimulatedFleet: MQTTClientPoolDelegate {
        var devices: [SimulatedDevice]
        let counters: FleetCounters
        let logger: Logger
        let topics: Topics

        init(devices: [SimulatedDevice], counters: FleetCounters, logger: Logger, topics: Topics) {
            self.topics = topics
            self.devices = devices
            self.counters = counters
            self.logger = logger
        }

        func clientConnected(_ client: Int, sessionPresent: Bool, loop: MQTTClientPoolLoop) {
            publishPresence(.online, device: client, loop: loop)
        }

        func poolStopping(loop: MQTTClientPoolLoop) {
            for device in devices.indices where loop.isConnected(device) {
                publishPresence(.offline, device: device, loop: loop)
            }
        }

        func client(_ client: Int, received message: MQTTMessage, loop: MQTTClientPoolLoop) {
            let id = devices[client].id
            if message.topic == topics.deviceConfig(id) {
                applyConfig(message.payload, device: client, loop: loop)
            } else {
                handleCommand(message, device: client, loop: loop)
            }
        }

        private func publishPresence(_ status: PresenceStatus, device: Int, loop: MQTTClientPoolLoop) {
            let id = devices[device].id
            let presence = PresenceMessage(deviceID: id, status: status, since: Date())
            do {
                try loop.publish(
                    from: device, to: topics.deviceStatus(id), payload: presence.encoded(), retain: true,
                    properties: DeviceAgent.jsonProperties)
            } catch {
                logger.warning("could not publish presence", metadata: ["device_id": "\(id)", "error": "\(error)"])
            }
        }

        /// As `CommandTriage` decides for the reference agent; a command to execute succeeds at once.
        private func handleCommand(_ message: MQTTMessage, device: Int, loop: MQTTClientPoolLoop) {
            let correlationData = message.properties.correlationData
            let decision = CommandTriage.decide(
                payload: message.payload, correlationData: correlationData, seen: devices[device].seen, now: Date(),
                topic: message.topic, tags: devices[device].tags, topics: topics)
            let id: UUID
            let outcome: CommandOutcome
            switch decision {
            case .drop(let reason), .ignore(let reason):
                logger.debug(
                    "dropped a command message", metadata: ["topic": "\(message.topic)", "reason": "\(reason)"])
                return
            case .acknowledge(let commandID, let decided, let duplicate):
                if !duplicate { devices[device].seen.record(commandID, decided) }
                (id, outcome) = (commandID, decided)
            case .execute(let envelope):
                devices[device].seen.record(envelope.id, .ok)
                counters.commandsExecuted.add(1, ordering: .relaxed)
                (id, outcome) = (envelope.id, .ok)
            }
            acknowledge(
                id, outcome, correlationData: correlationData, echoing: AcknowledgementMessage.echoed(from: message),
                device: device, loop: loop)
        }

        private func acknowledge(
            _ id: UUID, _ outcome: CommandOutcome, correlationData: [UInt8]?, echoing echoed: [MQTTUserProperty],
            device: Int, loop: MQTTClientPoolLoop
        ) {
            let message = AcknowledgementMessage(
                commandID: id, deviceID: devices[device].id, outcome: outcome, correlationData: correlationData,
                topics: topics, echoing: echoed)
            do {
                try loop.publish(
                    from: device, to: message.topic, payload: message.payload, properties: message.properties)
                counters.commandsAcknowledged.add(1, ordering: .relaxed)
            } catch {
                // A redelivery of the command is acknowledged again from the seen list.
                logger.warning(
                    "could not publish an acknowledgement",
                    metadata: ["device_id": "\(devices[device].id)", "command_id": "\(id)", "error": "\(error)"])
            }
        }

        /// Follows the retained config as the reference agent does: subscribes to the groups and tags added,
        /// unsubscribes from those removed; an empty payload (the device was deleted) leaves every group and tag.
        private func applyConfig(_ payload: [UInt8], device: Int, loop: MQTTClientPoolLoop) {
            let id = devices[device].id
            let wanted: Set<GroupID>
            let wantedTags: Set<String>
            if payload.isEmpty {
                wanted = []
                wantedTags = []
            } else {
                guard let config = try? DeviceConfigMessage.decode(payload),
                    config.version == DeviceConfigMessage.currentVersion, config.deviceID == id
                else {
                    logger.warning("ignoring an unusable device config", metadata: ["device_id": "\(id)"])
                    return
                }
                wanted = Set(config.groups)
                wantedTags = Set(config.tags)
            }
            let current = devices[device].groups
            for group in current.subtracting(wanted) {
                loop.unsubscribe(device, from: topics.groupCommands(group))
            }
            for group in wanted.subtracting(current) {
                do {
                    try loop.subscribe(device, to: topics.groupCommands(group))
                } catch {
                    logger.error(
                        "could not subscribe to a group", metadata: ["group": "\(group)", "error": "\(error)"])
                }
            }
            devices[device].groups = wanted
            for tag in devices[device].tags.subtracting(wantedTags) {
                loop.unsubscribe(device, from: topics.tagCommands(tag))
            }
            for tag in wantedTags.subtracting(devices[device].tags) {
                do {
                    try loop.subscribe(device, to: topics.tagCommands(tag))
                } catch {
                    logger.error("could not subscribe to a tag", metadata: ["tag": "\(tag)", "error": "\(error)"])
                }
            }
            devices[device].tags = wantedTags
        }
    }
#endif
