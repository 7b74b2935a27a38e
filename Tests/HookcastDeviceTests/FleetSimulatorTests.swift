// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import Foundation
    import HookcastProtocol
    import HookcastTestSupport
    import Mosquitto
    import Testing

    @testable import HookcastDevice

    /// Each test owns its broker: a broadcast on the shared one would reach every other test's devices. One test
    /// at a time and 60 devices at most (three descriptors each): the other suites' clients share this process and
    /// its descriptor limit. (With 150, while `MQTTClient` still used libmosquitto's threaded loop, which waits with
    /// select() and never reads a socket above 1023, the run peaked at 1,016 open descriptors and a gateway in
    /// another suite never connected.) The 300-device fleet runs as a process of its own in FleetEndToEndTests.
    @Suite("FleetSimulator runs many devices on one thread, each speaking the device protocol", .serialized)
    struct FleetSimulatorTests {
        static let count = 60

        /// `sessionExpiry` 0 takes the pool's fully asynchronous connect; any other value the v5 connect that carries
        /// the Session Expiry property.
        static func start(
            _ count: Int, prefix: String, broker: TestBroker, sessionExpiry: UInt32 = 86_400
        ) throws -> FleetSimulator {
            try FleetSimulator(
                configuration: FleetSimulator.Configuration(
                    count: count, idPrefix: prefix, mqttPort: broker.port, sessionExpiry: sessionExpiry,
                    topics: testTopics))
        }

        static func waitUntil(
            _ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool
        ) async throws {
            let deadline = ContinuousClock.now + timeout
            while !condition() {
                guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: what) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        static func devicesAcknowledging(_ id: UUID, in watcher: BrokerWatcher) -> [DeviceID: [Acknowledgement]] {
            Dictionary(grouping: watcher.acknowledgements(for: id), by: \.deviceID)
        }

        @Test("All connect and say online; a broadcast is acknowledged ok by each, and a repeat is not run again")
        func broadcast() async throws {
            let broker = try await TestBroker(extraConfiguration: TestBroker.quietPersistence)
            try await withTimeout(.seconds(90)) {
                let acks = try await BrokerWatcher.start("\(testTopics.root)/devices/+/acks", port: broker.port)
                let presence = try await BrokerWatcher.start("\(testTopics.root)/devices/+/status", port: broker.port)
                let simulator = try Self.start(Self.count, prefix: "fleet-", broker: broker)
                try await Self.waitUntil("\(Self.count) devices connected") {
                    simulator.statistics.connected == Self.count
                }
                try await Self.waitUntil("\(Self.count) online presences") {
                    let online = presence.messages.compactMap { try? PresenceMessage.decode($0.payload) }
                        .filter { $0.status == .online }
                    return Set(online.map(\.deviceID)).count == Self.count
                }

                let envelope = try Fixtures.envelope(.refreshDatasource, target: .all)
                try await acks.send(envelope, to: testTopics.allCommands)
                try await Self.waitUntil("\(Self.count) acknowledgements") {
                    Self.devicesAcknowledging(envelope.id, in: acks).count == Self.count
                }
                let byDevice = Self.devicesAcknowledging(envelope.id, in: acks)
                #expect(Set(byDevice.keys) == Set(simulator.deviceIDs))
                #expect(byDevice.values.allSatisfy { $0.count == 1 && $0[0].status == .ok })
                let first = try #require(acks.messages.first { $0.topic.hasSuffix("/acks") })
                #expect(first.properties.correlationData == Array(envelope.id.uuidString.lowercased().utf8))
                #expect(first.properties.contentType == "application/json")

                // The same command again: acknowledged again by every device, executed by none.
                try await acks.send(envelope, to: testTopics.allCommands)
                try await Self.waitUntil("\(2 * Self.count) acknowledgements") {
                    acks.acknowledgements(for: envelope.id).count == 2 * Self.count
                }
                #expect(simulator.statistics.commandsExecuted == Self.count)

                await simulator.stop()
                #expect(simulator.statistics.connected == 0)
                await acks.close()
                await presence.close()
            }
        }

        @Test("A group command reaches only the devices whose retained config names the group")
        func groupCommand() async throws {
            let broker = try await TestBroker(extraConfiguration: TestBroker.quietPersistence)
            try await withTimeout(.seconds(60)) {
                let acks = try await BrokerWatcher.start("\(testTopics.root)/devices/+/acks", port: broker.port)
                let simulator = try Self.start(40, prefix: "grp-", broker: broker, sessionExpiry: 0)
                try await Self.waitUntil("40 devices connected") { simulator.statistics.connected == 40 }
                let group = try Fixtures.groupID()
                let members = Array(simulator.deviceIDs.prefix(10))
                for member in members {
                    try await acks.client.publish(
                        to: testTopics.deviceConfig(member),
                        payload: DeviceConfigMessage(deviceID: member, groups: [group]).encoded(), qos: .atLeastOnce,
                        retain: true)
                }
                // The members subscribe once their config arrives; send until one command reaches all of them.
                var sent: [UUID] = []
                let deadline = ContinuousClock.now + .seconds(20)
                while true {
                    let envelope = try Fixtures.envelope(.refreshDatasource, target: .group(group))
                    sent.append(envelope.id)
                    try await acks.send(envelope, to: testTopics.groupCommands(group))
                    try await Task.sleep(for: .milliseconds(300))
                    if Self.devicesAcknowledging(envelope.id, in: acks).count == members.count { break }
                    guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: "every member's ack") }
                }
                let acknowledging = Set(sent.flatMap { Self.devicesAcknowledging($0, in: acks).keys })
                #expect(acknowledging == Set(members))
                await simulator.stop()
                await acks.close()
            }
        }

        @Test("Devices dropped by a broker crash reconnect by themselves and answer commands again")
        func reconnectAfterBrokerCrash() async throws {
            let broker = try await TestBroker(extraConfiguration: TestBroker.quietPersistence)
            try await withTimeout(.seconds(60)) {
                let simulator = try Self.start(50, prefix: "re-", broker: broker)
                try await Self.waitUntil("50 devices connected") { simulator.statistics.connected == 50 }
                await broker.kill()
                try await Self.waitUntil("every connection dropped") { simulator.statistics.connected == 0 }
                try await broker.start()
                try await Self.waitUntil("50 devices reconnected", timeout: .seconds(45)) {
                    simulator.statistics.connected == 50
                }
                let acks = try await BrokerWatcher.start("\(testTopics.root)/devices/+/acks", port: broker.port)
                let envelope = try Fixtures.envelope(.refreshDatasource, target: .all)
                try await acks.send(envelope, to: testTopics.allCommands)
                _ = try await acks.acknowledgements(for: envelope.id, count: 50, timeout: .seconds(60))
                await simulator.stop()
                await acks.close()
            }
        }
    }
#endif
