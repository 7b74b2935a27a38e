import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Logging
import Synchronization
import Testing

@testable import HookcastServer

/// Retained device configs on a recording broker: the re-publication of every device from two reads, and a change
/// made while it runs never overwritten by what it read before.
@Suite("Device config publisher")
struct DeviceConfigPublisherTests {
    private static let created = Date(timeIntervalSince1970: 1_764_950_400)

    @Test func publishAllSendsEveryDevicesGroupsRetained() async throws {
        let store = InMemoryStore()
        let broker = RecordingPublisher()
        let devices = try (1...1000).map { try DeviceID("d\($0)") }
        for device in devices {
            try await store.devices.insert(Device(id: device, name: device.rawValue, createdAt: Self.created))
        }
        let evens = devices.enumerated().filter { ($0.offset + 1) % 2 == 0 }.map(\.element)
        try await store.groups.insert(
            DeviceGroup(id: try GroupID("evens"), name: "Evens", members: evens, createdAt: Self.created))
        try await store.groups.insert(
            DeviceGroup(id: try GroupID("all"), name: "All", members: devices, createdAt: Self.created))

        await Self.publisher(broker, store).publishAll()

        #expect(broker.publishes.count == devices.count)
        for device in devices {
            let sent = broker.publishes(on: testTopics.deviceConfig(device))
            #expect(sent.count == 1)
            #expect(sent.first?.retain == true)
            let groups = try sent.first.map {
                try JSONDecoder().decode(DeviceConfigMessage.self, from: Data($0.payload))
            }
            let expected = evens.contains(device) ? ["all", "evens"] : ["all"]
            #expect(groups?.groups.map(\.rawValue) == expected)
        }
    }

    /// The membership changes after a publication read the groups and before it publishes (`publishAll`, or one of
    /// some devices: an import, a group change): the change's own publish goes out first, and the publication reads
    /// that device again instead of sending its older list after it.
    @Test(arguments: [false, true]) func aChangeDuringAPublicationIsNotOverwritten(ofSomeDevices: Bool) async throws {
        let (store, broker, d1) = try await Self.oneDeviceInOneGroup(gatingBulkRead: ofSomeDevices)
        let publisher = Self.publisher(broker, store)
        let publishing = Task {
            if ofSomeDevices { await publisher.publish(for: [d1]) } else { await publisher.publishAll() }
        }
        await store.readGroups()
        try await store.base.groups.update(
            DeviceGroup(id: try GroupID("lobby"), name: "Lobby", members: [], createdAt: Self.created))
        await publisher.publish(for: [d1])
        store.letGroupsAnswer()
        await publishing.value

        let sent = try broker.publishes(on: testTopics.deviceConfig(d1)).map {
            try JSONDecoder().decode(DeviceConfigMessage.self, from: Data($0.payload)).groups
        }
        #expect(sent.count == 2)
        #expect(sent.last == [])
    }

    @Test func aDeviceDeletedDuringPublishAllStaysCleared() async throws {
        let (store, broker, d1) = try await Self.oneDeviceInOneGroup()
        let publisher = Self.publisher(broker, store)
        let publishing = Task { await publisher.publishAll() }
        await store.readGroups()
        #expect(try await store.base.devices.delete(id: d1))
        await publisher.clear(for: d1)
        store.letGroupsAnswer()
        await publishing.value

        #expect(broker.publishes(on: testTopics.deviceConfig(d1)).map(\.payload) == [[]])
    }

    private static func oneDeviceInOneGroup(gatingBulkRead: Bool = false) async throws -> (
        GatedGroupsStore, RecordingPublisher, DeviceID
    ) {
        let store = GatedGroupsStore(gatingBulkRead: gatingBulkRead)
        let d1 = try DeviceID("d1")
        try await store.base.devices.insert(Device(id: d1, name: "d1", createdAt: created))
        try await store.base.groups.insert(
            DeviceGroup(id: try GroupID("lobby"), name: "Lobby", members: [d1], createdAt: created))
        return (store, RecordingPublisher(), d1)
    }

    private static func publisher(_ broker: RecordingPublisher, _ store: any HookcastStore) -> DeviceConfigPublisher {
        var logger = Logger(label: "hookcast.tests")
        logger.logLevel = .critical
        return DeviceConfigPublisher(client: broker, store: store, logger: logger, topics: testTopics)
    }
}

/// An in-memory store whose `groups.all()` (or, with `gatingBulkRead`, the first `groups(containingEach:)`)
/// reads, then holds its answer until the test lets it go.
private final class GatedGroupsStore: HookcastStore {
    let base = InMemoryStore()
    private let gated: GatedGroups

    init(gatingBulkRead: Bool = false) { gated = GatedGroups(base: base.groups, gatingBulkRead: gatingBulkRead) }

    var keys: any KeyRepository { base.keys }
    var devices: any DeviceRepository { base.devices }
    var groups: any GroupRepository { gated }
    var actions: any ActionRepository { base.actions }
    var commands: any CommandRepository { base.commands }
    var deliveries: any DeliveryRepository { base.deliveries }
    var emergencies: any EmergencyStateRepository { base.emergencies }
    var audit: any AuditRepository { base.audit }
    var capRules: any CAPRuleRepository { base.capRules }
    var capAlerts: any CAPAlertRepository { base.capAlerts }
    var capFeeds: any CAPFeedRepository { base.capFeeds }
    var callbacks: any CallbackReportRepository { base.callbacks }
    var mqttAccounts: any MQTTAccountRepository { base.mqttAccounts }
    func close() async throws { try await base.close() }

    /// Returns once the gated read has read the groups (and is holding them).
    func readGroups() async { for await _ in gated.read.stream { return } }
    func letGroupsAnswer() { gated.answer.continuation.yield() }
}

private final class GatedGroups: GroupRepository {
    let base: any GroupRepository
    let read = AsyncStream.makeStream(of: Void.self)
    let answer = AsyncStream.makeStream(of: Void.self)
    let gatingBulkRead: Bool
    /// Only the first bulk read is held, so a publication started while it waits reads freely.
    private let bulkReadHeld = Mutex(false)

    init(base: any GroupRepository, gatingBulkRead: Bool) {
        self.base = base
        self.gatingBulkRead = gatingBulkRead
    }

    func all() async throws -> [DeviceGroup] {
        let groups = try await base.all()
        if !gatingBulkRead { await hold() }
        return groups
    }

    private func hold() async {
        read.continuation.yield()
        for await _ in answer.stream { break }
    }
    func insert(_ group: DeviceGroup) async throws { try await base.insert(group) }
    func find(id: GroupID) async throws -> DeviceGroup? { try await base.find(id: id) }
    func update(_ group: DeviceGroup) async throws { try await base.update(group) }
    func delete(id: GroupID) async throws -> Bool { try await base.delete(id: id) }
    func groups(containing device: DeviceID) async throws -> [GroupID] {
        try await base.groups(containing: device)
    }
    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]] {
        let groups = try await base.groups(containingEach: devices)
        let first = bulkReadHeld.withLock { held in
            defer { held = true }
            return !held
        }
        if gatingBulkRead && first { await hold() }
        return groups
    }
}
