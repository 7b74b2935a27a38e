import Foundation
import HookcastCore
import HookcastProtocol
import Synchronization

/// An in-memory store that counts the reads `/metrics` could make, to show which a scrape makes.
final class CountingStore: HookcastStore {
    let base = InMemoryStore()
    let counted: CountingDeliveries

    init() { counted = CountingDeliveries(base: base.deliveries) }

    var keys: any KeyRepository { base.keys }
    var devices: any DeviceRepository { base.devices }
    var groups: any GroupRepository { base.groups }
    var actions: any ActionRepository { base.actions }
    var commands: any CommandRepository { base.commands }
    var deliveries: any DeliveryRepository { counted }
    var emergencies: any EmergencyStateRepository { base.emergencies }
    var audit: any AuditRepository { base.audit }
    var capRules: any CAPRuleRepository { base.capRules }
    var capAlerts: any CAPAlertRepository { base.capAlerts }
    var capFeeds: any CAPFeedRepository { base.capFeeds }
    var callbacks: any CallbackReportRepository { base.callbacks }
    var mqttAccounts: any MQTTAccountRepository { base.mqttAccounts }
    func close() async throws { try await base.close() }
}

/// Forwards everything; counts `presence()` (every device's row, reported state included) and
/// `onlineDeviceCount()`.
final class CountingDeliveries: DeliveryRepository {
    let base: any DeliveryRepository
    let presenceReads = Atomic<Int>(0)
    let onlineCounts = Atomic<Int>(0)

    init(base: any DeliveryRepository) { self.base = base }

    func record(_ acknowledgements: [AcknowledgementRecord]) async throws -> AcknowledgementsNotStored {
        try await base.record(acknowledgements)
    }
    func acknowledgements(commandID: UUID) async throws -> [AcknowledgementRecord] {
        try await base.acknowledgements(commandID: commandID)
    }
    func acknowledgementCount(commandID: UUID) async throws -> Int {
        try await base.acknowledgementCount(commandID: commandID)
    }
    func acknowledgementCounts(commandID: UUID) async throws -> [DeliveryState: Int] {
        try await base.acknowledgementCounts(commandID: commandID)
    }
    func acknowledgements(commandIDs: [UUID]) async throws -> [UUID: [AcknowledgementRecord]] {
        try await base.acknowledgements(commandIDs: commandIDs)
    }
    func lastAcknowledgements() async throws -> [DeviceID: AcknowledgementRecord] {
        try await base.lastAcknowledgements()
    }
    func recordRedeliveries(_ redeliveries: [(commandID: UUID, deviceID: DeviceID)], at time: Date) async throws {
        try await base.recordRedeliveries(redeliveries, at: time)
    }
    func redeliveries(commandID: UUID) async throws -> [DeviceID: RedeliveryRecord] {
        try await base.redeliveries(commandID: commandID)
    }
    func updatePresence(_ presence: [DevicePresence]) async throws { try await base.updatePresence(presence) }
    func presence() async throws -> [DeviceID: DevicePresence] {
        presenceReads.add(1, ordering: .relaxed)
        return try await base.presence()
    }
    func onlineDeviceCount() async throws -> Int {
        onlineCounts.add(1, ordering: .relaxed)
        return try await base.onlineDeviceCount()
    }
}
