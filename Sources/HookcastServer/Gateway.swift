import Foundation
import HookcastCore
import Hummingbird
import Logging
import Mosquitto

/// What the HTTP controllers work with: the store, the key service and the way out to the broker.
struct Gateway: Sendable {
    let store: any HookcastStore
    let keys: APIKeyService
    let publisher: CommandPublisher
    let configs: DeviceConfigPublisher
    let logger: Logger

    /// Turns a triggered action into a stored command and publishes it. The command is in the store before this
    /// returns; `published` is false when the broker was unreachable and the outbox will publish it later.
    func trigger(
        action: Action, sensorData: JSONValue?, apiKeyID: UUID?, source: CommandSource
    ) async throws(APIError) -> (command: Command, published: Bool) {
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
        do {
            try await store.commands.insert(command)
        } catch {
            logger.error("command not stored", metadata: ["event_id": "\(action.eventID)", "error": "\(error)"])
            throw .storeUnavailable("The command could not be stored; nothing was sent. Try again.")
        }
        let published = await publisher.publish(command)
        return (command, published)
    }
}

/// The success body of a trigger: the product page's `{"message":"success"}` plus what was done.
struct TriggerResponse: ResponseCodable, Sendable {
    let message: String
    let commandID: UUID
    let targets: Int
    let statusURL: String
    let queued: Bool

    init(command: Command, published: Bool) {
        message = "success"
        commandID = command.id
        targets = command.expectedDevices.count
        statusURL = "/api/v1/commands/\(command.id.uuidString.lowercased())"
        queued = !published
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        // Lower case, as in the command envelope and the status URL.
        try container.encode(commandID.uuidString.lowercased(), forKey: .commandID)
        try container.encode(targets, forKey: .targets)
        try container.encode(statusURL, forKey: .statusURL)
        try container.encode(queued, forKey: .queued)
    }

    enum CodingKeys: String, CodingKey {
        case message
        case commandID = "command_id"
        case targets
        case statusURL = "status_url"
        case queued
    }
}
