import Foundation
import HookcastTestSupport

@testable import Mosquitto

/// Clients for tests: unique ids, short timeouts so a failure shows quickly.
enum ClientFactory {
    static func configuration(
        port: Int? = nil,
        id: String = "test-\(UUID().uuidString.prefix(8))",
        will: MQTTWill? = nil
    ) throws -> MQTTClient.Configuration {
        MQTTClient.Configuration(
            host: SharedBroker.host,
            port: try port ?? SharedBroker.port,
            clientID: id,
            keepAlive: 10,
            will: will,
            connectTimeout: .seconds(5),
            reconnectDelay: 1...2,
            acknowledgementTimeout: .seconds(10),
            offlineWaitTimeout: .seconds(10)
        )
    }

    static func connected(port: Int? = nil, will: MQTTWill? = nil) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: configuration(port: port, will: will))
        try await client.connect()
        return client
    }

    static func uniqueTopic(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        return "hookcast-test/\(safe)/\(UUID().uuidString.prefix(8))"
    }
}

extension MQTTSubscription {
    /// The next `count` messages, failing if they do not arrive within `timeout`.
    func collect(_ count: Int, within timeout: Duration = .seconds(10)) async throws -> [MQTTMessage] {
        let subscription = self
        return try await withTimeout(timeout, "\(count) messages on \(filter)") {
            var messages: [MQTTMessage] = []
            for await message in subscription {
                messages.append(message)
                if messages.count == count { break }
            }
            return messages
        }
    }
}

extension MQTTSubscription {
    /// Whatever arrives within `window` (for checking that nothing does).
    func messages(arrivingWithin window: Duration) async -> [MQTTMessage] {
        let subscription = self
        let collector = Task {
            var messages: [MQTTMessage] = []
            for await message in subscription {
                messages.append(message)
            }
            return messages
        }
        try? await Task.sleep(for: window)
        collector.cancel()
        return await collector.value
    }
}

extension AsyncStream<MQTTConnectionState> {
    /// The states seen until the client is connected again after the first, failing after `timeout`.
    func untilReconnected(within timeout: Duration = .seconds(15), _ what: String = "reconnect") async throws
        -> [MQTTConnectionState]
    {
        let states = self
        return try await withTimeout(timeout, what) {
            var seen: [MQTTConnectionState] = []
            for await state in states {
                seen.append(state)
                if case .connected = state, seen.count > 1 { break }
            }
            return seen
        }
    }
}
