/// A `HookcastStore` whose hot reads — the API key, the action and the target of every webhook — are answered from
/// memory. Each webhook used to make three or four reads on the store's one SQLite connection, which all callers
/// take turns on; under load they queued behind each other and behind the writes (bench/README.md). Commands,
/// deliveries and emergency states pass straight through.
public final class CachingStore: HookcastStore {
    public let keys: any KeyRepository
    public let devices: any DeviceRepository
    public let groups: any GroupRepository
    public let actions: any ActionRepository
    private let wrapped: any HookcastStore
    private let cachedKeys: CachedKeyRepository
    private let cachedActions: CachedActionRepository
    private let fleet: FleetCache

    public init(wrapping store: any HookcastStore) {
        wrapped = store
        cachedKeys = CachedKeyRepository(store.keys)
        cachedActions = CachedActionRepository(store.actions)
        keys = cachedKeys
        actions = cachedActions
        // Deleting a device also removes it from its groups, and group writes decide members: one cache for both.
        fleet = FleetCache()
        devices = CachedDeviceRepository(store.devices, cache: fleet)
        groups = CachedGroupRepository(store.groups, cache: fleet)
    }

    /// Another gateway on the same database wrote these records (`StoreNotice.recordsChanged`): their cached
    /// answers are dropped, and a read already under way does not put its answer back.
    public func forgetCachedReads(of records: CachedRecords) {
        switch records {
        case .keys: cachedKeys.invalidate()
        case .fleet: fleet.invalidate()
        case .actions: cachedActions.byEventID.invalidate()
        }
    }

    public var sharing: (any StoreSharing)? { wrapped.sharing }
    public var retention: (any RetentionRepository)? { wrapped.retention }

    public var commands: any CommandRepository { wrapped.commands }
    public var deliveries: any DeliveryRepository { wrapped.deliveries }
    public var emergencies: any EmergencyStateRepository { wrapped.emergencies }
    public var audit: any AuditRepository { wrapped.audit }
    public var capRules: any CAPRuleRepository { wrapped.capRules }
    public var capAlerts: any CAPAlertRepository { wrapped.capAlerts }
    public var capFeeds: any CAPFeedRepository { wrapped.capFeeds }
    public var callbacks: any CallbackReportRepository { wrapped.callbacks }
    public var mqttAccounts: any MQTTAccountRepository { wrapped.mqttAccounts }

    public func checkReachable() async throws {
        try await wrapped.checkReachable()
    }

    public func close() async throws {
        try await wrapped.close()
    }
}
