import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// What one call of an action made: a command per step (one for most actions), stored together.
struct TriggerOutcome: Sendable {
    var commands: [Command]
    /// Per command: false when the broker was unreachable and the outbox will publish it later.
    var published: [Bool]
    /// True when an earlier request with the same idempotency key made these commands.
    var duplicate: Bool

    /// The first step's command: the one a single-step action's answer has always named.
    var command: Command { commands[0] }
}

extension Gateway {
    /// Turns a triggered action into stored commands, one per step, and publishes them in step order. Every step
    /// is planned before any is stored, and all are stored in one transaction: a call whose step 2 cannot run
    /// (its group is gone) stores nothing. The commands are in the store before this returns. `trace`, the
    /// caller's W3C trace context, goes with every step's command to the devices; a repeated idempotent request gets
    /// the original commands, with their own.
    func trigger(
        action: Action, sensorData: JSONValue?, apiKeyID: UUID?, source: CommandSource,
        idempotencyKey: String? = nil, trace: TraceContext? = nil
    ) async throws(APIError) -> TriggerOutcome {
        var sensor: SensorData?
        if let sensorData {
            do {
                sensor = try SensorData.parse(sensorData)
            } catch {
                throw .unprocessable(field: error.field, "\(error.field) \(error.message)")
            }
        }
        var commands = try await plan(action, sensor: sensor, apiKeyID: apiKeyID, source: source)
        for index in commands.indices { commands[index].trace = trace }
        let report = try await callbackReport(of: commands, action: action, apiKeyID: apiKeyID, source: source)
        try await refuseIfBacklogFull()
        // From here the outbox leaves these commands to this request, even once the store has them.
        for command in commands { delivery.storing(command.id) }
        func notStored() { for command in commands { delivery.notStored(command.id) } }
        if let idempotencyKey, let apiKeyID {
            let record = IdempotencyRecord(
                apiKeyID: apiKeyID, key: idempotencyKey,
                fingerprint: Self.fingerprint(eventID: action.eventID, sensorData: sensorData),
                commandID: commands[0].id, createdAt: Date())
            let originals: [Command]?
            do {
                originals = try await insertIdempotently(commands, record, report: report)
            } catch {
                notStored()
                throw error
            }
            if let originals {
                notStored()
                return TriggerOutcome(
                    commands: originals, published: originals.map { $0.publishedAt != nil }, duplicate: true)
            }
        } else {
            do {
                // One command goes through the group commit; a call's several go in one transaction of their own,
                // as do a call's commands with the report that will tell of them.
                if let report {
                    _ = try await store.commands.insert(commands, idempotency: nil, report: report)
                } else if commands.count == 1 {
                    try await committer.write(commands[0])
                } else {
                    try await store.commands.insert(commands)
                }
            } catch {
                notStored()
                logger.error("command not stored", metadata: ["event_id": "\(action.eventID)", "error": "\(error)"])
                throw .storeUnavailable("The command could not be stored; nothing was sent. Try again.")
            }
        }
        if let report { reports.scheduled(report) }
        // Stored now, published after the commands: a device that receives both applies the latched state last.
        var latched: [EmergencyStateMessage] = []
        for command in commands {
            do {
                latched += try await emergency.latch(command)
            } catch {
                logger.error(
                    "emergency state not stored", metadata: ["command_id": "\(command.id)", "error": "\(error)"])
            }
        }
        var published: [Bool] = []
        for command in commands {
            published.append(await delivery.publish(command))
            logStored(command, published: published[published.count - 1])
        }
        await emergency.publish(latched)
        live.commandsChanged(commands.map(\.id))
        return TriggerOutcome(commands: commands, published: published, duplicate: false)
    }

    /// A traced command is logged at info, so the caller's trace id finds it in the gateway's log at the default
    /// level; the rest at debug, as the request log already has a line for each call.
    private func logStored(_ command: Command, published: Bool) {
        logger.log(
            level: command.trace == nil ? .debug : .info, "command stored",
            metadata: command.logMetadata.merging(["published": "\(published)"]) { $1 })
    }

    /// A command per step; for several, each carries the first one's id as its trigger and its step number.
    private func plan(
        _ action: Action, sensor: SensorData?, apiKeyID: UUID?, source: CommandSource
    ) async throws(APIError) -> [Command] {
        let steps = action.stepActions
        let now = Date()
        var commands: [Command] = []
        for (index, step) in steps.enumerated() {
            // Named only when there are several: a single-step action's errors read as they always have.
            let prefix = steps.count > 1 ? "Step \(index + 1): " : ""
            do {
                commands.append(
                    try await CommandPlanner().plan(
                        action: step, sensorData: sensor, store: store, now: now, apiKeyID: apiKeyID, source: source))
            } catch let error as PlanningError {
                switch error {
                case .actionDisabled:
                    throw .notFound("event_disabled", error.description)
                case .sensorDataRequired:
                    throw .unprocessable(field: "sensor_data", prefix + error.description)
                case .targetDeviceUnknown, .targetGroupUnknown:
                    throw APIError(.conflict, "target_unavailable", prefix + error.description)
                }
            } catch {
                throw .storeUnavailable("The command could not be prepared: the store is unavailable.")
            }
        }
        if commands.count > 1 {
            let triggerID = commands[0].id
            for index in commands.indices { commands[index].step = TriggerStep(triggerID: triggerID, index: index) }
        }
        return commands
    }

    /// The report owed for a call's commands when the action, or else the calling key, names a callback URL.
    private func callbackReport(
        of commands: [Command], action: Action, apiKeyID: UUID?, source: CommandSource
    ) async throws(APIError) -> CallbackReport? {
        // A CAP alert's commands are reported per alert (`receiveCAP`), and the gateway's own `off` at an
        // emergency's end is no call anyone waits on.
        guard source == .webhook || source == .test else { return nil }
        let target: CallbackTarget?
        do {
            if let own = action.callback {
                target = own
            } else if let apiKeyID {
                target = try await keys.callbackTarget(id: apiKeyID)
            } else {
                target = nil
            }
        } catch {
            throw .storeUnavailable("The command could not be prepared: the store is unavailable.")
        }
        guard let target else { return nil }
        let subject = JSONValue.object([
            "kind": .string("webhook"), "event_id": .string(action.eventID.rawValue),
            "api_key_id": apiKeyID.map { .string($0.lowercasedString) } ?? .null,
            "source": .string(source.rawValue),
        ])
        do {
            return try reports.report(to: target, commandIDs: commands.map(\.id), subject: subject)
        } catch {
            // Checked when it was set; a stored URL that no longer passes is the store's problem, not the caller's.
            logger.error("callback URL refused", metadata: ["event_id": "\(action.eventID)", "error": "\(error)"])
            return nil
        }
    }

    /// While the broker is away commands queue up in the store; past `maximumBacklog` new ones are refused.
    private func refuseIfBacklogFull() async throws(APIError) {
        guard !delivery.isBrokerConnected else { return }
        let backlog: Int
        do {
            backlog = try await store.commands.unpublishedCount()
        } catch {
            throw .storeUnavailable("The command could not be stored: the store is unavailable.")
        }
        guard backlog < maximumBacklog else {
            throw APIError(
                .serviceUnavailable, "backlog_full",
                "The MQTT broker is unreachable and \(backlog) commands are already waiting; nothing was stored. "
                    + "Try again later.", headers: [.retryAfter: "30"])
        }
    }

    /// Stores `commands` unless the key was used before; returns the original commands for a repeated request.
    private func insertIdempotently(
        _ commands: [Command], _ record: IdempotencyRecord, report: CallbackReport?
    ) async throws(APIError) -> [Command]? {
        let outcome: IdempotentInsert
        do {
            if let report {
                outcome = try await store.commands.insert(commands, idempotency: record, report: report)
            } else {
                outcome = try await store.commands.insert(commands, idempotency: record)
            }
        } catch {
            logger.error("command not stored", metadata: ["event_id": "\(commands[0].eventID)", "error": "\(error)"])
            throw .storeUnavailable("The command could not be stored; nothing was sent. Try again.")
        }
        guard case .existing(let earlier) = outcome else { return nil }
        guard earlier.fingerprint == record.fingerprint else {
            throw APIError(
                .conflict, "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.")
        }
        do {
            guard let original = try await store.commands.find(id: earlier.commandID) else {
                throw StoreError.notFound("the original command")
            }
            guard let step = original.step else { return [original] }
            return try await store.commands.find(triggerID: step.triggerID)
        } catch {
            throw .storeUnavailable("The original command could not be read; try again.")
        }
    }
}
