import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Logging
import Mosquitto
import ServiceLifecycle
import Testing

@testable import HookcastServer

/// The delivery service on a recording broker and an in-memory store, with the connection's states handed in by
/// the test: the lifecycle's actions performed for real, without a broker process.
@Suite("Delivery service")
struct DeliveryServiceTests {
    struct Harness {
        let store = InMemoryStore()
        let broker = RecordingPublisher(connected: false)
        let states = AsyncStream.makeStream(of: MQTTConnectionState.self)
        let service: DeliveryService

        init(acknowledgementDeadline: Duration = .seconds(5)) {
            var logger = Logger(label: "hookcast.tests")
            logger.logLevel = .critical
            let (store, broker) = (store, broker)
            let states = states.stream
            service = DeliveryService(
                .init(
                    broker: broker, connectionStates: { states }, store: store,
                    configs: DeviceConfigPublisher(client: broker, store: store, logger: logger, topics: testTopics),
                    emergency: EmergencyLatch(client: broker, store: store, logger: logger, topics: testTopics),
                    metrics: GatewayMetrics(), logger: logger, topics: testTopics),
                acknowledgementDeadline: acknowledgementDeadline, tickInterval: .milliseconds(20))
        }

        func connect() {
            broker.setConnected(true)
            states.continuation.yield(.connected(sessionPresent: false))
        }

        /// Runs the service in a service group until `body` returns, then shuts it down gracefully.
        func run(_ body: () async throws -> Void) async throws {
            let group = ServiceGroup(services: [service], logger: Logger(label: "hookcast.tests"))
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                do {
                    try await body()
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    static func command(expecting devices: [String], issuedAt: Date = Date()) throws -> Command {
        Command(
            eventID: try EventID("door-open"), actionName: "Door", function: .refreshContent,
            params: ActionParameters(), sensorData: nil, target: .all,
            expectedDevices: try devices.sorted().map { try DeviceID($0) }, issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(300), apiKeyID: nil, source: .webhook)
    }

    /// Polls `condition` until it holds; the limit is only there so a broken service fails rather than hangs.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<1_000 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("What was stored while the broker was away is published once it connects, and its publish time stored")
    func outboxOnConnect() async throws {
        let harness = Harness()
        let command = try Self.command(expecting: ["d1"])
        try await harness.store.commands.insert(command)
        try await harness.run {
            harness.connect()
            let recorded = try await Self.eventually {
                try await harness.store.commands.find(id: command.id)?.publishedAt != nil
            }
            #expect(recorded)
        }
        #expect(harness.broker.publishes(on: testTopics.allCommands).count == 1)
        #expect(try await harness.store.commands.unpublishedCount() == 0)
    }

    @Test("The webhook's own command is published once, by the webhook, and its publish time written before shutdown")
    func webhookPublishesOnce() async throws {
        let harness = Harness()
        let command = try Self.command(expecting: ["d1"])
        try await harness.run {
            harness.connect()
            harness.service.storing(command.id)
            try await harness.store.commands.insert(command)
            #expect(await harness.service.publish(command))
        }
        // Shut down right after: the publish time was still written.
        #expect(try await harness.store.commands.find(id: command.id)?.publishedAt != nil)
        #expect(harness.broker.publishes(on: testTopics.allCommands).count == 1)
    }

    @Test("A device that did not answer by the deadline gets the command again on its own topic, and it is recorded")
    func redeliveryToTheSilentDevice() async throws {
        let harness = Harness(acknowledgementDeadline: .milliseconds(100))
        let command = try Self.command(expecting: ["d1", "d2"])
        let (d1, d2) = (try DeviceID("d1"), try DeviceID("d2"))
        try await harness.store.commands.insert(command)
        _ = try await harness.store.deliveries.record([
            AcknowledgementRecord(
                commandID: command.id, deviceID: d1, state: .ok, detail: nil, executedAt: nil, receivedAt: Date())
        ])
        try await harness.run {
            harness.connect()
            let redelivered = try await Self.eventually {
                try await harness.store.deliveries.redeliveries(commandID: command.id)[d2] != nil
            }
            #expect(redelivered)
        }
        let resent = harness.broker.publishes(on: testTopics.deviceCommands(d2))
        #expect(resent.first?.properties.userProperties == [MQTTUserProperty("hookcast-redelivery", "1")])
        #expect(harness.broker.publishes(on: testTopics.deviceCommands(d1)).isEmpty)
        #expect(try await harness.store.deliveries.redeliveries(commandID: command.id)[d1] == nil)
    }
}
