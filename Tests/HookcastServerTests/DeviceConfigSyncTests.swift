import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Logging
import Testing

@testable import HookcastServer

/// The re-publication after a (re)connect sends only the configs the broker does not hold as the store has them,
/// and leaves alone the configs of devices the store does not have.
@Suite("Device config sync")
struct DeviceConfigSyncTests {
    private static let created = Date(timeIntervalSince1970: 1_764_950_400)

    @Test func aConfigHeldAsStoredIsInStepAndEveryOtherIsNot() throws {
        let (d1, d2, d3, other) = (try DeviceID("d1"), try DeviceID("d2"), try DeviceID("d3"), try DeviceID("other"))
        let lobby = try GroupID("lobby")
        let held: [String: [UInt8]] = [
            testTopics.deviceConfig(d1): DeviceConfigMessage(deviceID: d1, groups: [lobby], tags: ["a"]).encoded(),
            // Held, but from before d2 joined the lobby.
            testTopics.deviceConfig(d2): DeviceConfigMessage(deviceID: d2, groups: []).encoded(),
            // Another store's device, on a broker two gateways share.
            testTopics.deviceConfig(other): DeviceConfigMessage(deviceID: other, groups: []).encoded(),
            // Not a config topic, and a config topic under another prefix: neither names a device here.
            "\(testTopics.root)/devices/d9/acks": [1],
            "other/v1/devices/d8/config": [1],
        ]
        let sync = DeviceConfigSync(
            devices: [d1, d2, d3], memberships: [d1: [lobby], d2: [lobby]], tags: [d1: ["a"]], held: held,
            topics: testTopics)
        #expect(sync.inStep == 1)
        #expect(sync.outOfStep == [d2, d3])
    }

    @Test func theSecondRepublicationSendsNothing() async throws {
        let (store, devices) = try await Self.store(devices: 300)
        let broker = RecordingPublisher(readsRetained: true)
        let publisher = Self.publisher(broker, store)

        await publisher.publishAll()
        #expect(broker.publishes.count == devices.count)
        await publisher.publishAll()
        #expect(broker.publishes.count == devices.count)
    }

    @Test func onlyTheChangedAndMissingAreSent() async throws {
        let (store, devices) = try await Self.store(devices: 100)
        let broker = RecordingPublisher(readsRetained: true)
        await Self.publisher(broker, store).publishAll()
        let before = broker.publishes.count

        // While the gateway was away: a device joined a group without its config reaching the broker, the broker
        // lost another's config, and another gateway's device got a config.
        let joined = devices[10]
        try await store.groups.insert(
            DeviceGroup(id: try GroupID("late"), name: "Late", members: [joined], createdAt: Self.created))
        let lost = devices[20]
        broker.holdRetained([], on: testTopics.deviceConfig(lost))
        let foreign = try DeviceID("foreign-1")
        broker.holdRetained(
            DeviceConfigMessage(deviceID: foreign, groups: []).encoded(), on: testTopics.deviceConfig(foreign))

        await Self.publisher(broker, store).publishAll()
        let sent = broker.publishes.dropFirst(before)
        #expect(Set(sent.map(\.topic)) == Set([joined, lost].map(testTopics.deviceConfig)))
        let joinedConfig = try #require(broker.publishes(on: testTopics.deviceConfig(joined)).last)
        #expect(try DeviceConfigMessage.decode(joinedConfig.payload).groups.map(\.rawValue) == ["late"])
    }

    @Test func aBrokerThatCannotBeReadGetsEveryConfig() async throws {
        let (store, devices) = try await Self.store(devices: 50)
        let broker = RecordingPublisher(readsRetained: false)
        let publisher = Self.publisher(broker, store)
        await publisher.publishAll()
        await publisher.publishAll()
        #expect(broker.publishes.count == 2 * devices.count)
    }

    private static func store(devices count: Int) async throws -> (InMemoryStore, [DeviceID]) {
        let store = InMemoryStore()
        let devices = try (1...count).map { try DeviceID("d\($0)") }
        for device in devices {
            try await store.devices.insert(Device(id: device, name: device.rawValue, createdAt: created))
        }
        try await store.groups.insert(
            DeviceGroup(
                id: try GroupID("thirds"), name: "Thirds",
                members: devices.enumerated().filter { $0.offset % 3 == 0 }
                    .map(\.element), createdAt: created))
        return (store, devices)
    }

    private static func publisher(_ broker: RecordingPublisher, _ store: any HookcastStore) -> DeviceConfigPublisher {
        var logger = Logger(label: "hookcast.tests")
        logger.logLevel = .critical
        return DeviceConfigPublisher(client: broker, store: store, logger: logger, topics: testTopics)
    }
}
