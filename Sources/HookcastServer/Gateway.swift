import Crypto
import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird
import Logging
import Mosquitto

/// What the HTTP controllers work with: the store, the key service and the way out to the broker.
struct Gateway: Sendable {
    let store: any HookcastStore
    let keys: APIKeyService
    /// Publishes commands, first and again; the one owner of their delivery lifecycle.
    let delivery: DeliveryService
    let configs: DeviceConfigPublisher
    let accounts: any DeviceAccounts
    let emergency: EmergencyLatch
    let watchers: CommandWatchers
    /// Told of every command made, for the console's live view.
    let live: LiveEvents
    /// The web console's signed-in sessions.
    let sessions: ConsoleSessions
    let metrics: GatewayMetrics
    let acknowledgementDeadline: Duration
    let maximumBacklog: Int
    let committer: GroupCommit<Command>
    /// Records triggers, admin changes and cancels (`AuditTrail`).
    let audit: AuditTrail
    let logger: Logger

    /// The longest a caller may hold a webhook open waiting for acknowledgements.
    static let maximumWait = Duration.seconds(30)

    /// After group memberships changed: the broker's access rules first, so a device told of a new group by its
    /// config can already subscribe to the group's topics.
    func membershipChanged(_ devices: some Sequence<DeviceID>) async {
        let changed = Array(devices)
        await accounts.updateGroups(of: changed)
        await configs.publish(for: changed)
    }

    /// Holds until every expected device answered or `wait` has passed; returns the delivery report then.
    func waitForAcknowledgements(of command: Command, wait: Duration) async -> DeliveryReport? {
        // `wait` is at most `maximumWait` already where it comes from a request (WebhookRequest.wait).
        let deadline = ContinuousClock.now + min(wait, Self.maximumWait)
        // Watching before the first read: an answer stored while reading still wakes the loop.
        let watch = watchers.watch(command.id)
        defer { watch.cancel() }
        let answersDue = command.issuedAt.addingTimeInterval(acknowledgementDeadline.timeInterval)
        while true {
            // Fewer answers than expected devices, before the deadline: certainly incomplete, and a count is
            // cheap where reading a broadcast's thousands of answers after every batch was not.
            if Date() < answersDue, ContinuousClock.now < deadline,
                let count = try? await store.deliveries.acknowledgementCount(commandID: command.id),
                count < command.expectedDevices.count
            {
                await watch.next(timeout: deadline - ContinuousClock.now)
                continue
            }
            guard let acknowledgements = try? await store.deliveries.acknowledgements(commandID: command.id) else {
                return nil
            }
            let report = DeliveryReport(
                command: command, acknowledgements: acknowledgements, now: Date(),
                acknowledgementDeadline: acknowledgementDeadline)
            let remaining = deadline - ContinuousClock.now
            if report.isComplete || remaining <= .zero { return report }
            await watch.next(timeout: remaining)
        }
    }

    /// Turns a triggered action into a stored command and publishes it. The command is in the store before this
    /// returns; `published` is false when the broker was unreachable and the outbox will publish it later.
    func trigger(
        action: Action, sensorData: JSONValue?, apiKeyID: UUID?, source: CommandSource,
        idempotencyKey: String? = nil
    ) async throws(APIError) -> (command: Command, published: Bool, duplicate: Bool) {
        var sensor: SensorData?
        if let sensorData {
            do {
                sensor = try SensorData.parse(sensorData)
            } catch {
                throw .unprocessable(field: error.field, "\(error.field) \(error.message)")
            }
        }
        let command: Command
        do {
            command = try await CommandPlanner().plan(
                action: action, sensorData: sensor, store: store, now: Date(), apiKeyID: apiKeyID, source: source)
        } catch let error as PlanningError {
            switch error {
            case .actionDisabled:
                throw .notFound("event_disabled", error.description)
            case .sensorDataRequired:
                throw .unprocessable(field: "sensor_data", error.description)
            case .targetDeviceUnknown, .targetGroupUnknown:
                throw APIError(.conflict, "target_unavailable", error.description)
            }
        } catch {
            throw .storeUnavailable("The command could not be prepared: the store is unavailable.")
        }
        try await refuseIfBacklogFull()
        // From here the outbox leaves this command to this request, even once the store has it.
        delivery.storing(command.id)
        if let idempotencyKey, let apiKeyID {
            let record = IdempotencyRecord(
                apiKeyID: apiKeyID, key: idempotencyKey,
                fingerprint: Self.fingerprint(eventID: action.eventID, sensorData: sensorData), commandID: command.id,
                createdAt: Date())
            let original: Command?
            do {
                original = try await insertIdempotently(command, record)
            } catch {
                delivery.notStored(command.id)
                throw error
            }
            if let original {
                delivery.notStored(command.id)
                return (original, original.publishedAt != nil, true)
            }
        } else {
            do {
                try await committer.write(command)
            } catch {
                delivery.notStored(command.id)
                logger.error("command not stored", metadata: ["event_id": "\(action.eventID)", "error": "\(error)"])
                throw .storeUnavailable("The command could not be stored; nothing was sent. Try again.")
            }
        }
        // Stored now, published after the command: a device that receives both applies the latched state last.
        let latched: [EmergencyStateMessage]
        do {
            latched = try await emergency.latch(command)
        } catch {
            logger.error("emergency state not stored", metadata: ["command_id": "\(command.id)", "error": "\(error)"])
            latched = []
        }
        let published = await delivery.publish(command)
        await emergency.publish(latched)
        live.commandsChanged([command.id])
        return (command, published, false)
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

    /// Stores `command` unless the key was used before; returns the original command for a repeated request.
    private func insertIdempotently(_ command: Command, _ record: IdempotencyRecord) async throws(APIError) -> Command?
    {
        let outcome: IdempotentInsert
        do {
            outcome = try await store.commands.insert(command, idempotency: record)
        } catch {
            logger.error("command not stored", metadata: ["event_id": "\(command.eventID)", "error": "\(error)"])
            throw .storeUnavailable("The command could not be stored; nothing was sent. Try again.")
        }
        guard case .existing(let earlier) = outcome else { return nil }
        guard earlier.fingerprint == record.fingerprint else {
            throw APIError(
                .conflict, "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.")
        }
        guard let original = try? await store.commands.find(id: earlier.commandID) else {
            throw .storeUnavailable("The original command could not be read; try again.")
        }
        return original
    }

    /// What a request asks for, independent of key order and whitespace.
    static func fingerprint(eventID: EventID, sensorData: JSONValue?) -> String {
        let request = JSONValue.object(["event_id": .string(eventID.rawValue), "sensor_data": sensorData ?? .null])
        let bytes = (try? JSONCoding.encoder().encode(request)) ?? Data()
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
