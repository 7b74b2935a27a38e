import Foundation
import HookcastProtocol
import Mosquitto
import Synchronization

/// Counts the devices whose retained presence says `online`, to know when a fleet has finished connecting.
final class PresenceCounter: Sendable {
    private let client: MQTTClient
    private let topics: Topics
    private let onlineDevices = Mutex(Set<String>())
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// `login`: an account allowed to read presence (the gateway's), on a broker with access control.
    init(mqttPort: Int, topics: Topics, login: (username: String, password: String)? = nil) throws {
        self.topics = topics
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-presence-\(UUID().uuidString.prefix(8))",
                username: login?.username, password: login?.password))
    }

    var online: Int { onlineDevices.withLock { $0.count } }

    func start() async throws {
        try await client.connect()
        let subscription = try await client.subscribe(to: topics.anyDeviceStatus, qos: .atLeastOnce)
        let task = Task {
            for await message in subscription {
                // Below the prefix, whatever its number of levels: devices/ID/status.
                guard let parts = topics.relative(message.topic)?.split(separator: "/"), parts.count == 3 else {
                    continue
                }
                let device = String(parts[1])
                let isOnline = message.payloadString.contains(#""status":"online""#)
                onlineDevices.withLock { if isOnline { $0.insert(device) } else { $0.remove(device) } }
            }
        }
        listener.withLock { $0 = task }
    }

    func stop() async {
        listener.withLock { $0?.cancel() }
        await client.disconnect(drainTimeout: .seconds(1))
    }
}
