import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

/// Performing the lifecycle's actions, each reported back as its event.
extension DeliveryService {
    func perform(_ action: DeliveryAction) async {
        let store = dependencies.store
        let logger = dependencies.logger
        switch action {
        case .resendRetained:
            await dependencies.configs.publishAll()
            await dependencies.emergency.publishAll()
        case .readOutbox(let limit, let minimumAge):
            do {
                let commands = try await store.commands.unpublished(
                    limit: limit, issuedBefore: minimumAge.map { Date().addingTimeInterval(-$0) })
                handle { $0.outboxRead(commands, now: Date()) }
            } catch {
                logger.error("could not read the outbox", metadata: ["error": "\(error)"])
                update { $0.outboxReadFailed() }
            }
        case .publish(let commands):
            for command in commands {
                let published = isBrokerConnected ? await publishFirst(command) : false
                handle { published ? $0.published(command.id, at: Date()) : $0.publishFailed(command.id) }
            }
        case .expire(let command):
            await expire(command)
        case .recordPublished(let publications):
            // Not synced to disk (see `CommandRepository.markPublished`): a publish time lost to a crash only
            // means the outbox publishes the command again, and a device executes a command id once.
            var recorded = true
            do {
                try await store.commands.markPublished(publications.map { (id: $0.id, at: $0.at) })
            } catch {
                recorded = false
                logger.error(
                    "could not record publish times", metadata: ["count": "\(publications.count)", "error": "\(error)"])
            }
            handle { $0.publishTimesRecorded(succeeded: recorded) }
        case .readUnsettled(let overdueBefore, let returned, let limit, let now):
            do {
                let overdue = try await store.commands.unsettledSummaries(
                    at: now, issuedBefore: overdueBefore, limit: limit)
                let concerning =
                    returned.isEmpty
                    ? nil
                    : try await store.commands.unsettledSummaries(at: now, awaitingAnswerFrom: returned, limit: limit)
                handle { $0.unsettledRead(overdue: overdue, concerning: concerning) }
            } catch {
                scanFailed(error)
            }
        case .readDue(let ids):
            do {
                let commands = try await store.commands.unsettled(ids: ids)
                let answers = try await store.deliveries.acknowledgements(commandIDs: ids)
                handle { $0.dueRead(commands, answered: answers.mapValues { Set($0.map(\.deviceID)) }) }
            } catch {
                scanFailed(error)
            }
        case .redeliver(let redeliveries, let settle, let now):
            await redeliver(redeliveries, settle: settle, at: now)
        }
    }

    /// Sends each redelivery, then records what was sent and settles in one write each: a scan can resend to
    /// thousands.
    private func redeliver(_ redeliveries: [Redelivery], settle: [UUID], at now: Date) async {
        var sent: [(commandID: UUID, deviceID: DeviceID)] = []
        for redelivery in redeliveries {
            for device in redelivery.devices
            where await redeliver(redelivery.command, to: device, attempt: redelivery.attempt, now: now) {
                sent.append((redelivery.command.id, device))
            }
            dependencies.logger.info(
                "redelivered a command",
                metadata: redelivery.command.logMetadata.merging([
                    "devices": "\(redelivery.devices.count)", "attempt": "\(redelivery.attempt)",
                    "reason": "\(redelivery.reason.rawValue)",
                ]) { $1 })
        }
        do {
            try await dependencies.store.deliveries.recordRedeliveries(sent, at: now)
            try await dependencies.store.commands.markSettled(settle)
        } catch {
            scanFailed(error)
            return
        }
        update { $0.scanFinished() }
    }

    private func scanFailed(_ error: any Error) {
        dependencies.logger.warning("redelivery scan failed", metadata: ["error": "\(error)"])
        update { $0.scanFailed() }
    }

    func expire(_ command: Command) async {
        try? await dependencies.store.commands.markPublishFailed(
            id: command.id, error: "expired before it could be published")
        dependencies.logger.warning("command expired unpublished", metadata: command.logMetadata)
    }

    /// The first publish, on the command's target topic (device, group, tag or broadcast): the broker fans it out.
    /// A tag target matching any of several tags goes out once per tag; it counts as published when every one was
    /// acknowledged, and the outbox sends all of them again otherwise (devices run a command once, by its id).
    func publishFirst(_ command: Command) async -> Bool {
        guard let properties = Self.properties(of: command, now: Date()) else { return false }
        dependencies.metrics.publishTimes.published(command.id)
        return await sendToTarget(command, properties, failure: "command not published yet")
    }

    /// Tells the devices `command` went to that it is cancelled: a `cancel_command` on the same topic, expiring
    /// with it, not stored (devices answer it; the gateway does not track those answers). Best effort: returns
    /// whether the broker acknowledged it. The cancellation itself is in the store either way. It carries the
    /// command's trace context: the cancel belongs to the same trace.
    func publishCancellation(of command: Command, at now: Date = Date()) async -> Bool {
        guard isBrokerConnected else { return false }
        let cancel = Command(
            eventID: command.eventID, actionName: command.actionName, function: .cancelCommand,
            params: ActionParameters(commandID: command.id.lowercasedString), sensorData: nil, target: command.target,
            expectedDevices: [], issuedAt: now, expiresAt: command.expiresAt, apiKeyID: nil, source: command.source,
            trace: command.trace)
        guard let properties = Self.properties(of: cancel, now: now) else { return false }
        return await sendToTarget(cancel, properties, failure: "cancellation not published")
    }

    /// Publishes `command` on each topic of its target, stopping at the first the broker does not acknowledge;
    /// returns whether all were.
    private func sendToTarget(
        _ command: Command, _ properties: MQTTPublishProperties, failure: Logger.Message
    ) async -> Bool {
        for topic in dependencies.topics.commandTopics(for: command.target) {
            guard await send(command, to: topic, properties, failure: failure) else { return false }
        }
        return true
    }

    /// Sends `command` again to one device on its own topic (not the group or broadcast topic, so the others are
    /// not bothered). Returns whether the broker acknowledged it.
    private func redeliver(_ command: Command, to device: DeviceID, attempt: Int, now: Date) async -> Bool {
        guard isBrokerConnected, var properties = Self.properties(of: command, now: now) else { return false }
        properties.userProperties.append(MQTTUserProperty("hookcast-redelivery", String(attempt)))
        let sent = await send(
            command, to: dependencies.topics.deviceCommands(device), properties, failure: "redelivery not published")
        if sent { dependencies.metrics.redelivered(1) }
        return sent
    }

    /// Publishes the command's envelope at QoS 1; returns whether the broker acknowledged it, logs `failure` if not.
    private func send(
        _ command: Command, to topic: String, _ properties: MQTTPublishProperties, failure: Logger.Message
    ) async -> Bool {
        do {
            try await dependencies.broker.publish(
                to: topic, payload: CommandEnvelope(command: command).encoded(), qos: .atLeastOnce, retain: false,
                properties: properties)
            return true
        } catch {
            dependencies.logger.warning(failure, metadata: ["command_id": "\(command.id)", "error": "\(error)"])
            return false
        }
    }

    /// The MQTT 5 properties of a command's message: it expires with the command, carries its id as correlation
    /// data, and the caller's trace context as `traceparent` and `tracestate` user properties (docs/protocol.md).
    /// Nil once the command expired.
    private static func properties(of command: Command, now: Date) -> MQTTPublishProperties? {
        let remaining = command.expiresAt.timeIntervalSince(now)
        guard remaining > 0 else { return nil }
        return MQTTPublishProperties(
            messageExpiryInterval: UInt32(min(remaining.rounded(.up), Double(UInt32.max))),
            correlationData: Array(command.id.lowercasedString.utf8),
            contentType: "application/json",
            userProperties: command.trace?.userProperties ?? [])
    }
}
