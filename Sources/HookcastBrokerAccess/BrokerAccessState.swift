import HookcastProtocol

/// Everything the plugin knows, as one value: the device accounts, the client (integration and observer)
/// accounts, the gateway accounts, the running digest of the
/// device accounts and the reconciliation in progress. It decides (`authenticate`, `authorize`) and changes only
/// through control requests (`handleControl`) and the start-up load; it does no I/O, so every rule is tested
/// without a broker.
public struct BrokerAccessState: Sendable {
    public private(set) var devices = DeviceAccountTable()
    /// Integration and observer accounts (`BrokerAccessState+Clients.swift`).
    var clients = ClientAccountTable()
    public private(set) var gateways: GatewayAccounts
    /// Accounts of the broker's other mechanisms (`plugin_opt_other_accounts_file`): never answered for, never
    /// created.
    public private(set) var otherAccounts: OtherAccountNames
    /// `BrokerAccountDigest` of `devices`, kept current with every change.
    public private(set) var digest = BrokerAccountDigest()
    /// The reconciliation between `beginSync` and `endSync`: the gateway's generation number, and the epoch that
    /// every account put since carries as its sync mark.
    var sync: (generation: UInt64, epoch: UInt32)?
    /// The last epoch handed out. Accounts put outside a reconciliation carry it too, which is harmless: the next
    /// `beginSync` moves on to a new one.
    var epoch: UInt32 = 0

    /// The access rules under the broker's topic prefix (`plugin_opt_topic_prefix`).
    public let policy: BrokerAccessPolicy
    /// The broker's bridges that bring in integrators' triggers: local client id → integration account name
    /// (`plugin_opt_bridge_integrations`).
    public let bridges: [String: String]
    /// `{prefix}/triggers/` as bytes, for `mayBeTrigger`.
    let triggerTopicPrefix: [UInt8]

    public init(
        gateways: GatewayAccounts = GatewayAccounts(), otherAccounts: OtherAccountNames = OtherAccountNames(),
        topics: Topics = .standard, bridges: [String: String] = [:]
    ) {
        self.bridges = bridges
        self.gateways = gateways
        self.otherAccounts = otherAccounts
        policy = BrokerAccessPolicy(topics: topics)
        triggerTopicPrefix = Array("\(topics.root)/triggers/".utf8)
    }

    /// Whether `name` belongs to an account the plugin does not manage as a device: a gateway account or one of the
    /// other accounts.
    func isTaken(_ name: String) -> Bool {
        gateways.contains(name) || otherAccounts.contains(name)
    }

    /// Adds the accounts the journal kept at start-up; returns how many it left out as invalid (a credential that
    /// is not 64 lowercase hex digits, or an id that is a gateway account's or another account's name), for the
    /// caller to log.
    public mutating func load(_ accounts: [BrokerDeviceAccount]) -> Int {
        var skipped = 0
        for account in accounts {
            guard let credential = StoredCredential(hex: account.credential), !isTaken(account.id.rawValue)
            else {
                skipped += 1
                continue
            }
            _ = put(account, credential: credential)
        }
        return skipped
    }

    /// Replaces the gateway accounts (the file was read again). A device account of the same name stays, but the
    /// gateway account decides for that name from now on.
    public mutating func replaceGateways(_ accounts: GatewayAccounts) {
        gateways = accounts
    }

    /// Replaces the other accounts (the file was read again). As with gateways, a device account of such a name
    /// stays but is not answered for.
    public mutating func replaceOtherAccounts(_ names: OtherAccountNames) {
        otherAccounts = names
    }

    /// The client accounts, read-only.
    public var clientAccounts: ClientAccountTable { clients }

    /// A copy of the accounts for the journal's snapshot: O(1) now (copy-on-write), read where it is called.
    public var snapshot: @Sendable () -> any AccountSnapshot {
        let snapshot = PluginSnapshot(devices: devices, clients: clients.accounts())
        return { snapshot }
    }

    // MARK: - Changes, each keeping the digest current

    /// What a put did to an account.
    enum PutEffect: Equatable {
        case created, unchanged, groupsChanged, credentialChanged
    }

    /// Creates or replaces the account and marks it as put in the current epoch.
    mutating func put(_ account: BrokerDeviceAccount, credential: StoredCredential) -> PutEffect {
        let scopes = devices.scopes(groups: account.groups, tags: account.tags)
        let old = devices.entry(account.id)
        devices.set(account.id, .init(credential: credential, scopes: scopes, syncMark: epoch))
        guard let old else {
            digest.add(account)
            return .created
        }
        if old.credential == credential && old.scopes == scopes { return .unchanged }
        digest.remove(devices.account(account.id, old))
        digest.add(account)
        return old.credential == credential ? .groupsChanged : .credentialChanged
    }

    /// Sets the groups (and, unless nil, the tags) of an existing account; nil if there is none, else whether
    /// anything changed.
    mutating func setGroups(_ id: DeviceID, _ groups: [GroupID], tags: [String]? = nil) -> Bool? {
        guard var entry = devices.entry(id) else { return nil }
        let old = devices.account(id, entry)
        let scopes = devices.scopes(groups: groups, tags: tags ?? old.tags)
        guard entry.scopes != scopes else { return false }
        digest.remove(old)
        entry.scopes = scopes
        devices.set(id, entry)
        digest.add(devices.account(id, entry))
        return true
    }

    /// Removes the account; whether there was one.
    mutating func delete(_ id: DeviceID) -> Bool {
        guard let old = devices.remove(id) else { return false }
        digest.remove(devices.account(id, old))
        return true
    }

    /// Takes `group` from every account that has it; returns the ids changed.
    mutating func removeGroup(_ group: GroupID) -> [DeviceID] {
        guard let index = devices.groupIndex(group) else { return [] }
        // The digest needs each changed account before and after: collect the ids, then change them one by one.
        let ids = devices.ids { $0.scopes.contains { $0 == index } }
        for id in ids {
            guard let account = devices.account(id) else { continue }
            _ = setGroups(id, account.groups.filter { $0 != group })
        }
        return ids
    }

    /// Removes every account not put since the reconciliation's epoch began; returns the ids removed.
    mutating func removeUnmarked(epoch: UInt32) -> [DeviceID] {
        let stale = devices.ids { $0.syncMark != epoch }
        for id in stale { _ = delete(id) }
        return stale
    }
}
