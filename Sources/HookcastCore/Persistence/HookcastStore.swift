/// Everything Hookcast persists, as one repository per kind of record over one database.
public protocol HookcastStore: Sendable {
    var keys: any KeyRepository { get }
    var devices: any DeviceRepository { get }
    var groups: any GroupRepository { get }
    var actions: any ActionRepository { get }
    var commands: any CommandRepository { get }
    var deliveries: any DeliveryRepository { get }
    var emergencies: any EmergencyStateRepository { get }
    var audit: any AuditRepository { get }
    var capRules: any CAPRuleRepository { get }
    var capAlerts: any CAPAlertRepository { get }
    var capFeeds: any CAPFeedRepository { get }
    /// The callback outbox: delivery reports owed to callback URLs.
    var callbacks: any CallbackReportRepository { get }
    /// Integration and observer accounts on the broker.
    var mqttAccounts: any MQTTAccountRepository { get }

    /// What prunes old records (`RetentionPruner`); nil for a store that keeps everything (test doubles).
    var retention: (any RetentionRepository)? { get }

    /// Throws (`StoreError.unavailable`) when the database cannot be reached now: readiness asks it.
    func checkReachable() async throws

    /// How gateways sharing this database coordinate; nil when one gateway has it to itself.
    var sharing: (any StoreSharing)? { get }

    /// Releases the database; later calls fail with `StoreError.unavailable`.
    func close() async throws
}

extension HookcastStore {
    /// A cheap read that touches the database: counting the outbox is answered from a small index.
    public func checkReachable() async throws {
        _ = try await commands.unpublishedCount()
    }

    public var sharing: (any StoreSharing)? { nil }

    public var retention: (any RetentionRepository)? { nil }
}
