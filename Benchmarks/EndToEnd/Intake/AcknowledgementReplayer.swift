import Foundation
import HookcastProtocol
import Mosquitto

/// Answers a broadcast for every device (`bench-00001` …): one MQTT client reads the command off the broadcast
/// topic, then `publishers` clients publish each device's acknowledgement on that device's topic, QoS 1, many in
/// flight, as fast as the broker takes them. Many connections, as a fleet has: mosquitto reads one packet of a
/// connection per turn of its loop, so from one connection every turn would bring one acknowledgement, and the
/// broker plugin would gather them one by one. On an open broker, where any client may publish on any device's topic, or
/// logged in with an account allowed to (`IntakeBroker`).
final class AcknowledgementReplayer: Sendable {
    struct Published {
        /// From reading the command to the broker's PUBACK of the last acknowledgement.
        let publishing: Duration
        /// When the broker had taken the last acknowledgement.
        let lastTaken: ContinuousClock.Instant
    }

    private let client: MQTTClient
    /// One per publishing task.
    private let publishingClients: [MQTTClient]
    private let commands: MQTTSubscription
    private let topics: Topics
    private let devices: [DeviceID]
    /// Publishing tasks, each taking every `publishers`-th device.
    private let publishers = 64

    init(
        mqttPort: Int, topics: Topics, devices: Int, login: (username: String, password: String)? = nil
    ) async throws {
        let configuration = { (clientID: String) in
            MQTTClient.Configuration(
                port: mqttPort, clientID: clientID, username: login?.username, password: login?.password,
                cleanStart: true, sessionExpiryInterval: 0, maxInFlightPublishes: 1000)
        }
        let run = UUID().uuidString.prefix(8)
        client = try MQTTClient(configuration: configuration("hookcast-bench-replayer-\(run)"))
        try await client.connect()
        var publishingClients: [MQTTClient] = []
        for index in 0..<publishers {
            let publishing = try MQTTClient(configuration: configuration("hookcast-bench-replayer-\(run)-\(index)"))
            try await publishing.connect()
            publishingClients.append(publishing)
        }
        self.publishingClients = publishingClients
        commands = try await client.subscribe(to: topics.allCommands)
        self.topics = topics
        self.devices = try (1...devices).map { try DeviceID(BenchFleet.deviceID($0)) }
    }

    /// Waits for the next command on the broadcast topic and answers it `ok` for every device.
    func answerNextCommand() async throws -> Published {
        var iterator = commands.makeAsyncIterator()
        guard let message = await iterator.next() else { throw ReplayError.subscriptionEnded }
        let began = ContinuousClock.now
        guard
            let envelope = try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
            let id = envelope["id"] as? String
        else { throw ReplayError.unreadableCommand }
        return try await answer(commandID: id, began: began)
    }

    /// Publishes every device's `ok` for the command `id` (one nobody sent, for the acknowledgement sink).
    func answer(commandID id: String, began: ContinuousClock.Instant = .now) async throws -> Published {
        // As the device agent writes it (`JSONCoding.timestamp`), which the gateway reads without a formatter.
        let executedAt = JSONCoding.timestamp(Date())
        let (clients, topics, devices, publishers) = (publishingClients, topics, devices, publishers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for first in 0..<publishers {
                let client = clients[first]
                group.addTask {
                    for index in stride(from: first, to: devices.count, by: publishers) {
                        let device = devices[index]
                        let payload =
                            #"{"v":1,"command_id":"\#(id)","device_id":"\#(device.rawValue)","status":"ok","executed_at":"\#(executedAt)"}"#
                        try await client.publish(to: topics.deviceAcks(device), payload: Array(payload.utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
        let ended = ContinuousClock.now
        return Published(publishing: ended - began, lastTaken: ended)
    }

    func stop() async {
        await client.disconnect()
        for publishing in publishingClients { await publishing.disconnect() }
    }

    enum ReplayError: Error {
        case subscriptionEnded
        case unreadableCommand
    }
}
