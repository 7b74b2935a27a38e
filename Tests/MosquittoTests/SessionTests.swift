import Foundation
import HookcastTestSupport
import Testing

@testable import Mosquitto

/// Persistent sessions: what the broker keeps for a client while it is away must reach it when it returns.
@Suite("Persistent sessions")
struct SessionTests {
    static func persistent(_ id: String, port: Int) throws -> MQTTClient.Configuration {
        var configuration = try ClientFactory.configuration(port: port, id: id)
        configuration.cleanStart = false
        configuration.sessionExpiryInterval = 120
        return configuration
    }

    @Test("A subscription made before connect() receives what the resumed session held, from the first message")
    func subscribeBeforeConnectGetsQueuedMessages() async throws {
        let broker = try await TestBroker()
        let id = "session-\(UUID().uuidString.prefix(8))"
        let topic = ClientFactory.uniqueTopic()
        let first = try MQTTClient(configuration: Self.persistent(id, port: broker.port))
        try await first.connect()
        // Held until the disconnect: a subscription dropped while connected is unsubscribed.
        let held = try await first.subscribe(to: topic)
        await first.disconnect()
        withExtendedLifetime(held) {}

        let publisher = try await ClientFactory.connected(port: broker.port)
        for index in 0..<20 { try await publisher.publish(to: topic, payload: Array("m\(index)".utf8)) }

        let returning = try MQTTClient(configuration: Self.persistent(id, port: broker.port))
        let subscription = try await returning.subscribe(to: topic)
        #expect(try await returning.connect(), "the broker resumed the session")
        let messages = try await subscription.collect(20)
        #expect(messages.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<20).map { "m\($0)" })
        await returning.disconnect()
        await publisher.disconnect()
    }

    @Test("The session outlives the client's automatic reconnects: it still holds messages after the next disconnect")
    func sessionExpirySurvivesReconnect() async throws {
        let broker = try await TestBroker()
        let id = "session-\(UUID().uuidString.prefix(8))"
        let topic = ClientFactory.uniqueTopic()
        let first = try MQTTClient(configuration: Self.persistent(id, port: broker.port))
        try await first.connect()
        let held = try await first.subscribe(to: topic)
        // libmosquitto reconnects by itself; the CONNECT it sends must still ask for the session to be kept.
        let states = first.stateChanges()
        first.dropConnection()
        _ = try await states.untilReconnected(within: .seconds(15), "automatic reconnect")
        await first.disconnect()
        withExtendedLifetime(held) {}

        let publisher = try await ClientFactory.connected(port: broker.port)
        try await publisher.publish(to: topic, payload: Array("while away".utf8))
        let returning = try MQTTClient(configuration: Self.persistent(id, port: broker.port))
        let subscription = try await returning.subscribe(to: topic)
        #expect(try await returning.connect(), "the broker kept the session")
        #expect(try await subscription.collect(1).first?.payloadString == "while away")
        await returning.disconnect()
        await publisher.disconnect()
    }

    @Test("A shared subscription of a resumed session still receives after the broker restarts from its file")
    func sharedSubscriptionSurvivesBrokerRestart() async throws {
        let broker = try await TestBroker()
        let topic = ClientFactory.uniqueTopic()
        let client = try MQTTClient(
            configuration: Self.persistent("shared-\(UUID().uuidString.prefix(8))", port: broker.port))
        let subscription = try await client.subscribe(to: "$share/group/\(topic)")
        try await client.connect()
        let publisher = try await ClientFactory.connected(port: broker.port)
        // One iteration for both messages: ending an iteration ends the stream.
        async let received = subscription.collect(2, within: .seconds(30))
        try await publisher.publish(to: topic, payload: Array("before".utf8))

        // Stopped cleanly so the session is in the persistence file; the broker restores it without the
        // shared subscription (mosquitto 2.0.11), and the client must subscribe again on its own.
        await broker.stop()
        try await broker.start()
        try await withTimeout(.seconds(15), "both clients back") {
            while !client.state.isConnected || !publisher.state.isConnected {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        try await publisher.publish(to: topic, payload: Array("after".utf8))
        #expect(try await received.map(\.payload) == [Array("before".utf8), Array("after".utf8)])
        await client.disconnect()
        await publisher.disconnect()
    }
}
