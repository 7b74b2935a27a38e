import Foundation
import HookcastProtocol
import Synchronization

/// All in-memory data behind one lock, so operations spanning tables (deleting a device from its groups) are atomic.
struct InMemoryState {
    var isClosed = false
    var keys: [UUID: StoredAPIKey] = [:]
    var devices: [DeviceID: Device] = [:]
    /// The SHA-256 hex of each device's broker password (`DeviceRepository.setBrokerCredentials`).
    var brokerCredentials: [DeviceID: String] = [:]
    var groups: [GroupID: DeviceGroup] = [:]
    var actions: [EventID: Action] = [:]
    /// Insertion order, which breaks ties between equal `issuedAt`s the same way SQLite's rowid does.
    var commands: [Command] = []
    /// Commands every expected device has answered (`markSettled`, or a device command's one answer recorded).
    var settledCommands: Set<UUID> = []
    var acknowledgements: [UUID: [DeviceID: AcknowledgementRecord]] = [:]
    var lastAcknowledgements: [DeviceID: AcknowledgementRecord] = [:]
    var redeliveries: [UUID: [DeviceID: RedeliveryRecord]] = [:]
    var presence: [DeviceID: DevicePresence] = [:]
    var idempotency: [String: IdempotencyRecord] = [:]
    var emergencies: [ActionTarget: EmergencyStateMessage] = [:]
    var emergencyHolds: [UUID: EmergencyHold] = [:]
    var capRules: [CAPRule] = []
    var capAlerts: [UUID: CAPAlertRecord] = [:]
    var capFeeds: [(feed: CAPFeed, status: CAPFeedStatus)] = []
    var mqttAccounts: [String: MQTTAccount] = [:]
    var audit: [UUID: AuditEntry] = [:]
    var callbackReports: [UUID: CallbackReport] = [:]

    mutating func requireRegistered(_ members: [DeviceID]) throws(ValidationError) {
        let unknown = members.filter { devices[$0] == nil }
        guard unknown.isEmpty else { throw DeviceGroup.unknownMembersError(unknown) }
    }
}

/// Shared by the store and its repositories.
final class InMemoryDatabase: Sendable {
    private let state = Mutex(InMemoryState())

    func access<Result: Sendable>(_ body: (inout InMemoryState) throws -> Result) throws -> Result {
        try state.withLock { state in
            guard !state.isClosed else { throw StoreError.unavailable("the store is closed") }
            return try body(&state)
        }
    }

    func close() {
        state.withLock { $0.isClosed = true }
    }
}
