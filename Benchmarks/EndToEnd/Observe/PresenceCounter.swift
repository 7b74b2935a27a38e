import Foundation
import Mosquitto
import Synchronization

/// Counts the devices whose retained presence says `online`, to know when a fleet has finished connecting.
final class PresenceCounter: Sendable {
    private let client: MQTTClient
    private let onlineDevices = Mutex(Set<String>())
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// `login`: an account allowed to read presence (the gateway's), on a broker with access control.
    init(mqttPort: Int, login: (username: String, password: String)? = nil) throws {
        client = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "hookcast-bench-presence-\(UUID().uuidString.prefix(8))",
                username: login?.username, password: login?.password))
    }

    var online: Int { onlineDevices.withLock { $0.count } }

    func start() async throws {
        try await client.connect()
        let subscription = try await client.subscribe(to: "hookcast/v1/devices/+/status", qos: .atLeastOnce)
        let task = Task {
            for await message in subscription {
                let parts = message.topic.split(separator: "/")
                guard parts.count == 5 else { continue }
                let device = String(parts[3])
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
