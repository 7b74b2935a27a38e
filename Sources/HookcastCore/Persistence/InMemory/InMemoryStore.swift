/// A `HookcastStore` in memory, for tests: same semantics as `SQLiteStore`, nothing survives the process.
public final class InMemoryStore: HookcastStore {
    public let keys: any KeyRepository
    public let devices: any DeviceRepository
    public let groups: any GroupRepository
    public let actions: any ActionRepository
    public let commands: any CommandRepository
    public let deliveries: any DeliveryRepository
    public let emergencies: any EmergencyStateRepository
    public let audit: any AuditRepository
    public let capRules: any CAPRuleRepository
    public let capAlerts: any CAPAlertRepository
    public let capFeeds: any CAPFeedRepository
    public let callbacks: any CallbackReportRepository
    public let mqttAccounts: any MQTTAccountRepository
    public let retention: (any RetentionRepository)?
    private let database: InMemoryDatabase

    /// An empty store.
    public init() {
        let database = InMemoryDatabase()
        self.database = database
        self.keys = InMemoryKeyRepository(database: database)
        self.devices = InMemoryDeviceRepository(database: database)
        self.groups = InMemoryGroupRepository(database: database)
        self.actions = InMemoryActionRepository(database: database)
        self.commands = InMemoryCommandRepository(database: database)
        self.deliveries = InMemoryDeliveryRepository(database: database)
        self.emergencies = InMemoryEmergencyStateRepository(database: database)
        self.audit = InMemoryAuditRepository(database: database)
        self.capRules = InMemoryCAPRuleRepository(database: database)
        self.capAlerts = InMemoryCAPAlertRepository(database: database)
        self.capFeeds = InMemoryCAPFeedRepository(database: database)
        self.callbacks = InMemoryCallbackReportRepository(database: database)
        self.mqttAccounts = InMemoryMQTTAccountRepository(database: database)
        self.retention = InMemoryRetentionRepository(database: database)
    }

    public func close() async throws {
        database.close()
    }
}
