import HookcastCore
import HookcastProtocol

extension PluginDeviceAccounts {
    /// What a reconciliation did.
    enum Reconciliation: Equatable {
        /// The plugin's digest equalled the store's: nothing was sent but the question.
        case inStep
        /// A full sync: every account of the store put again (unchanged ones change nothing and disconnect
        /// nobody), then every account the store does not have removed.
        case synchronized(put: Int, removed: Int)
    }

    /// The store's accounts against the plugin's digest; on any difference a full sync in batches between
    /// `beginSync` and `endSync`, which also removes the accounts of devices deleted while the broker was away.
    func reconcileNow() async throws -> Reconciliation {
        let (accounts, withoutCredential) = try await storedAccounts()
        reportDevicesWithoutCredential(withoutCredential)
        let stored = BrokerAccountDigest(accounts)
        let digest = try await send([.digest])
        checkTopicPrefix(digest.first?.topicPrefix)
        if digest.first?.digest == stored.hex, digest.first?.count == stored.count { return .inStep }

        let generation = UInt64.random(in: 1 ... .max)
        try Self.check(try await send([.beginSync(generation: generation)]))
        try await sendAll(BrokerControlBatches.putDevices(accounts).map { [.putDevices($0)] })
        let ended = try await send([.endSync(generation: generation)])
        try Self.check(ended)
        return .synchronized(put: accounts.count, removed: ended.first?.count ?? 0)
    }

    /// A plugin under another topic prefix refuses every device's subscriptions and every command the gateway
    /// publishes: said loudly, at every reconciliation, since nothing else works until one of them is changed.
    private func checkTopicPrefix(_ pluginPrefix: String?) {
        guard let pluginPrefix, pluginPrefix != topics.root else { return }
        logger.error(
            "the broker plugin's topic prefix differs from the gateway's: devices and commands will be refused",
            metadata: ["plugin_topic_prefix": "\(pluginPrefix)", "topic_prefix": "\(topics.root)"])
    }

    /// Every device with a stored credential as the plugin should hold it, and the devices without one.
    private func storedAccounts() async throws -> (accounts: [BrokerDeviceAccount], withoutCredential: [DeviceID]) {
        let credentials = try await store.devices.brokerCredentials()
        let devices = try await store.devices.allIDs()
        let tags = try await store.devices.tagsByDevice()
        var membership: [DeviceID: [GroupID]] = [:]
        for group in try await store.groups.all() {
            for member in group.members { membership[member, default: []].append(group.id) }
        }
        var accounts: [BrokerDeviceAccount] = []
        var withoutCredential: [DeviceID] = []
        for device in devices {
            guard let credential = credentials[device] else {
                withoutCredential.append(device)
                continue
            }
            accounts.append(
                BrokerDeviceAccount(
                    id: device, credential: credential, groups: (membership[device] ?? []).sorted(),
                    tags: Self.tagLevels(tags[device] ?? [])))
        }
        return (accounts, withoutCredential)
    }

    /// Devices made while the broker's accounts lived in mosquitto's dynamic-security plugin have no stored
    /// credential, and a hash cannot be made without the password: each needs a new one. Said once (again only
    /// when the number changes), not at every reconciliation.
    private func reportDevicesWithoutCredential(_ devices: [DeviceID]) {
        let changed = reportedWithoutCredential.withLock { reported in
            defer { reported = devices.count }
            return reported != devices.count
        }
        guard changed, !devices.isEmpty else { return }
        logger.warning(
            """
            \(devices.count) device(s) have no broker account and cannot connect until each is given a new \
            password: `hookcast devices password <id>` or POST /api/v1/devices/{id}/mqtt-password
            """,
            metadata: ["first": "\(devices.prefix(10).map(\.rawValue).joined(separator: ","))"])
    }
}
