import Foundation
import HookcastProtocol
import Mosquitto

/// At start-up, before any device connects: shows that the bench broker enforces the accounts' grants, so the
/// figures were not taken on a broker that let everything through. Two probes, logged:
/// - the observer's account, which may only read, publishes QoS 1 to a command topic: the broker must refuse it
///   (PUBACK reason 135);
/// - a peer's account, which may only write command topics, subscribes to the MQTT ceiling's topic, and the ceiling's
///   publisher publishes one message there: the ceiling's subscriber must get it and the peer nothing. (mosquitto
///   2.0's `acl_file` grants every subscription and refuses delivery instead, message by message.)
enum BrokerAccessCheck {
    static func run(mqttPort: Int, topics: Topics, accounts: BenchAccounts, peer: String?) async throws {
        try await observerCannotPublish(mqttPort: mqttPort, topics: topics, accounts: accounts)
        if let peer { try await peerCannotRead(mqttPort: mqttPort, accounts: accounts, peer: peer) }
    }

    private static func observerCannotPublish(mqttPort: Int, topics: Topics, accounts: BenchAccounts) async throws {
        // A device no one registers: should the broker let it through, no device receives it.
        let topic = topics.deviceCommands(try DeviceID("bench-access-check"))
        let client = try client(mqttPort: mqttPort, login: accounts.login(BenchAccounts.observer), role: "observer")
        try await client.connect()
        var refusal: MQTTReasonCode?
        do {
            try await client.publish(to: topic, payload: Array("access check".utf8), qos: .atLeastOnce)
        } catch MQTTError.publishRejected(_, let code) {
            refusal = code
        } catch {
            await client.disconnect()
            throw error
        }
        await client.disconnect()
        guard let refusal else {
            throw BenchHTTP.Failure(description: "the broker let \(BenchAccounts.observer) publish to \(topic)")
        }
        BenchLog.line("access check: \(BenchAccounts.observer) publishing to \(topic) refused (\(refusal))")
    }

    private static func peerCannotRead(mqttPort: Int, accounts: BenchAccounts, peer: String) async throws {
        let account = BenchAccounts.peer(peer)
        let topic = "bench/ceiling/access-check-\(UUID().uuidString.prefix(8))"
        let intruder = try client(mqttPort: mqttPort, login: accounts.login(account), role: "peer")
        let reader = try client(
            mqttPort: mqttPort, login: accounts.login(BenchAccounts.ceilingSubscriber), role: "reader")
        let writer = try client(
            mqttPort: mqttPort, login: accounts.login(BenchAccounts.ceilingPublisher), role: "writer")
        let clients = [intruder, reader, writer]
        defer { Task { for client in clients { await client.disconnect() } } }
        for client in clients { try await client.connect() }
        let intruded = try await intruder.subscribe(to: topic, qos: .atLeastOnce)
        let read = try await reader.subscribe(to: topic, qos: .atLeastOnce)
        let intruderReceived = Task { () -> Bool in
            for await _ in intruded { return true }
            return false
        }
        let readerReceived = Task { () -> Bool in
            for await _ in read { return true }
            return false
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            readerReceived.cancel()
        }
        try await writer.publish(to: topic, payload: Array("access check".utf8), qos: .atLeastOnce)
        let delivered = await readerReceived.value
        watchdog.cancel()
        guard delivered else {
            intruderReceived.cancel()
            throw BenchHTTP.Failure(description: "\(BenchAccounts.ceilingSubscriber) did not receive on \(topic)")
        }
        // The broker sent the reader's copy; had it let the peer read, the peer's was sent in the same pass over
        // the subscribers. A second is far more than a loopback delivery takes.
        try await Task.sleep(for: .seconds(1))
        intruderReceived.cancel()
        guard await intruderReceived.value == false else {
            throw BenchHTTP.Failure(description: "the broker delivered \(topic) to \(account), which may not read")
        }
        BenchLog.line("access check: \(account) subscribed to \(topic) but was delivered nothing")
    }

    private static func client(
        mqttPort: Int, login: (username: String, password: String), role: String
    ) throws -> MQTTClient {
        try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "bench-access-check-\(role)-\(UUID().uuidString.prefix(8))",
                username: login.username, password: login.password))
    }
}
