import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Synchronization

/// A test client that records everything on one filter, so a test can wait for a message without owning the
/// subscription's iterator (ending an iteration early would unsubscribe). Messages keep the retain flag they were
/// published with, so a test sees that a live message (a Last Will) was retained without reading it back later.
final class BrokerWatcher: Sendable {
    let client: MQTTClient
    private let received = Mutex<[MQTTMessage]>([])

    private init(client: MQTTClient) {
        self.client = client
    }

    /// `port`: a test's own broker; nil for the shared one.
    static func start(_ filter: String, port: Int? = nil) async throws -> BrokerWatcher {
        let client = try MQTTClient(configuration: clientConfiguration("watch", port: port))
        try await client.connect()
        let watcher = BrokerWatcher(client: client)
        let subscription = try await client.subscribe(
            to: filter, options: MQTTSubscriptionOptions(retainAsPublished: true))
        Task {
            for await message in subscription { watcher.received.withLock { $0.append(message) } }
        }
        return watcher
    }

    static func clientConfiguration(_ prefix: String, port: Int? = nil) throws -> MQTTClient.Configuration {
        MQTTClient.Configuration(
            host: SharedBroker.host, port: try port ?? SharedBroker.port,
            clientID: "\(prefix)-\(UUID().uuidString.prefix(8))",
            keepAlive: 10, connectTimeout: .seconds(5), acknowledgementTimeout: .seconds(5),
            offlineWaitTimeout: .seconds(5))
    }

    var messages: [MQTTMessage] { received.withLock { $0 } }

    /// The first recorded message that matches, waiting for it at most `timeout`.
    /// `after` skips the messages recorded before (a count of `messages`).
    func first(
        _ what: String,
        after: Int = 0,
        timeout: Duration = .seconds(60),
        where predicate: (MQTTMessage) -> Bool
    ) async throws -> MQTTMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let message = messages.dropFirst(after).first(where: predicate) { return message }
            guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func acknowledgements(for id: UUID) -> [Acknowledgement] {
        messages.filter { $0.topic.hasSuffix("/acks") }
            .compactMap { try? Acknowledgement.decode($0.payload) }
            .filter { $0.commandID == id }
    }

    /// Waits until `count` acknowledgements of `id` have arrived.
    func acknowledgements(for id: UUID, count: Int, timeout: Duration = .seconds(60)) async throws -> [Acknowledgement] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = acknowledgements(for: id)
            if found.count >= count { return found }
            guard ContinuousClock.now < deadline else {
                throw WaitTimedOut(what: "\(count) acknowledgement(s) of \(id)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func presence(_ status: PresenceStatus, after: Int = 0, timeout: Duration = .seconds(60)) async throws -> MQTTMessage
    {
        try await first("\(status) presence", after: after, timeout: timeout) { message in
            message.topic.hasSuffix("/status") && (try? PresenceMessage.decode(message.payload))?.status == status
        }
    }

    /// Publishes a command the way the gateway does: QoS 1, correlation data = the id, JSON content type.
    func send(_ envelope: CommandEnvelope, to topic: String) async throws {
        try await send(envelope.encoded(), id: envelope.id, to: topic)
    }

    func send(_ payload: [UInt8], id: UUID?, to topic: String) async throws {
        try await client.publish(
            to: topic, payload: payload, qos: .atLeastOnce,
            properties: MQTTPublishProperties(
                correlationData: id.map { Array($0.uuidString.lowercased().utf8) }, contentType: "application/json"))
    }

    func close() async {
        await client.disconnect()
    }
}

/// A wait in a test that ended without what it waited for.
struct WaitTimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
