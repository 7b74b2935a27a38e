import Foundation
import HookcastProtocol
import Logging
import Mosquitto

extension DeviceAgent {
    /// Decides, executes (executor first, then the hook), records, persists and acknowledges one command.
    func handleCommand(_ message: MQTTMessage) async {
        let correlationData = message.properties.correlationData
        let echoed = AcknowledgementMessage.echoed(from: message)
        let (seen, tags) = shared.withLock { ($0.seen, $0.tags) }
        let decision = CommandTriage.decide(
            payload: message.payload, correlationData: correlationData, seen: seen, now: Date(),
            topic: message.topic, tags: tags, topics: topics)
        switch decision {
        case .drop(let reason):
            logger.warning("dropped a command message", metadata: ["topic": "\(message.topic)", "reason": "\(reason)"])
        case .ignore(let reason):
            logger.debug("not for this device", metadata: ["topic": "\(message.topic)", "reason": "\(reason)"])
        case .acknowledge(let id, let outcome, let duplicate):
            if !duplicate {
                shared.withLock { $0.seen.record(id, outcome) }
                persist()
            }
            log(id: id, function: nil, outcome: outcome, duplicate: duplicate)
            await acknowledge(id, outcome, correlationData: correlationData, echoing: echoed)
        case .execute(let envelope) where envelope.function == .cancelCommand:
            let outcome = cancel(envelope)
            persist()
            log(id: envelope.id, function: envelope.function, outcome: outcome, duplicate: false)
            await acknowledge(envelope.id, outcome, correlationData: correlationData, echoing: echoed)
        case .execute(let envelope):
            // Written ahead: if the agent dies while running it (a restart hook does exactly that), the redelivery
            // after the restart finds it recorded and is acknowledged, not run again.
            if configuration.stateFile != nil {
                shared.withLock { $0.seen.record(envelope.id, .interrupted(envelope.function)) }
                persist()
            }
            let outcome = await execute(envelope)
            persist()
            log(id: envelope.id, function: envelope.function, outcome: outcome, duplicate: false)
            // The state before the acknowledgement: whoever sees the command answered can read what it changed.
            await publishStateIfChanged()
            await acknowledge(envelope.id, outcome, correlationData: correlationData, echoing: echoed)
        }
    }

    /// The state changes only when the command succeeds, hook included: a failed command leaves the player as it was.
    private func execute(_ envelope: CommandEnvelope) async -> CommandOutcome {
        var player = shared.withLock { $0.player }
        var outcome = executor.apply(envelope, to: &player, now: Date())
        if outcome.status == .ok, let hooks {
            // Registered before the hook starts, so an emergency state read meanwhile can stop it.
            let stop = HookStop()
            let overtaken = shared.withLock { state -> Bool in
                state.runningHook = stop
                return state.overtakingEmergencies > 0
            }
            if overtaken { stop.request(reason: Self.overtakenReason) }
            let hookOutcome = await hooks.run(for: envelope, stop: stop)
            shared.withLock { $0.runningHook = nil }
            if let hookOutcome { outcome = hookOutcome }
        }
        shared.withLock { state in
            if outcome.status == .ok { state.player = player }
            state.seen.record(envelope.id, outcome)
        }
        return outcome
    }

    private func acknowledge(
        _ id: UUID, _ outcome: CommandOutcome, correlationData: [UInt8]?, echoing echoed: [MQTTUserProperty]
    ) async {
        let message = AcknowledgementMessage(
            commandID: id, deviceID: deviceID, outcome: outcome, correlationData: correlationData, topics: topics,
            echoing: echoed)
        do {
            try await client.publish(
                to: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false,
                properties: message.properties)
        } catch {
            // A redelivery of the command would be acknowledged again from the seen list.
            logger.error(
                "could not publish an acknowledgement",
                metadata: ["command_id": "\(id.lowercasedString)", "error": "\(error)"])
        }
    }

    /// One line per command. Parameters stay out of the log: a URL can carry a token.
    private func log(id: UUID, function: ActionFunction?, outcome: CommandOutcome, duplicate: Bool) {
        var metadata: Logger.Metadata = [
            "command_id": "\(id.lowercasedString)", "status": "\(outcome.status.rawValue)",
        ]
        if let function { metadata["function"] = "\(function.rawValue)" }
        if let detail = outcome.detail { metadata["detail"] = "\(detail)" }
        if duplicate { metadata["duplicate"] = "true" }
        logger.info(duplicate ? "command already handled; acknowledged again" : "command handled", metadata: metadata)
    }
}
