import HookcastCore
import HookcastProtocol
import Logging
import Synchronization

/// Device accounts in Hookcast's own broker plugin, changed over the control channel (`BrokerControlClient`):
/// each change is answered only after the plugin applied it, and many devices travel in one request.
///
/// The store keeps each device's credential (the SHA-256 of its password, never the password), so a
/// reconciliation can give the plugin back whatever it lost without new passwords. All changes run one at a time,
/// so a reconciliation never sees an account half made.
final class PluginDeviceAccounts: DeviceAccounts {
    let control: BrokerControlClient
    let store: any HookcastStore
    /// The gateway's own user name, which no device may take.
    let gatewayUsername: String?
    let logger: Logger
    let turns = KeyedSequencer<String>()
    /// How many devices without a stored credential were last reported, so the warning is logged once, not at
    /// every reconciliation.
    let reportedWithoutCredential = Mutex<Int>(0)

    /// The gateway's topic prefix, held against the plugin's at every reconciliation.
    let topics: Topics

    init(
        control: BrokerControlClient, store: any HookcastStore, gatewayUsername: String?, logger: Logger,
        topics: Topics = .standard
    ) {
        self.topics = topics
        self.control = control
        self.store = store
        self.gatewayUsername = gatewayUsername
        self.logger = logger
    }

    var isManaged: Bool { true }

    func run() async { await control.run() }

    /// Groups and tags are the caller's, not read back: a membership change racing the creation may reach the
    /// plugin before it and be overwritten, until the next reconciliation.
    func register(_ devices: [NewDeviceAccount], credentials: [DeviceID: String]) async throws(BrokerAccountError) {
        try refuseReserved(devices.map(\.id))
        guard !devices.isEmpty else { return }
        let accounts = Self.accounts(devices, credentials: credentials)
        try await turns.run(for: "accounts") { () async throws(BrokerAccountError) in
            try await self.sendAll(BrokerControlBatches.putDevices(accounts).map { [.putDevices($0)] })
        }
    }

    /// Only devices with a credential in `credentials` (callers give one to each), as reconciliation does.
    private static func accounts(_ devices: [NewDeviceAccount], credentials: [DeviceID: String])
        -> [BrokerDeviceAccount]
    {
        devices.compactMap { device in
            credentials[device.id].map { credential in
                BrokerDeviceAccount(
                    id: device.id, credential: credential, groups: device.groups.sorted(), tags: tagLevels(device.tags))
            }
        }
    }

    /// The plugin first, then the store: if storing fails after the plugin took the new credential, the next
    /// reconciliation gives the plugin the stored one back, so the device keeps the password it has.
    func resetPassword(_ device: DeviceID) async throws(BrokerAccountError) -> String {
        try refuseReserved([device])
        let password = BrokerPassword.generate()
        try await turns.run(for: "accounts") { () async throws(BrokerAccountError) in
            let groups: [GroupID]
            do {
                groups = try await self.store.groups.groups(containing: device)
            } catch {
                throw .storeFailed("\(error)")
            }
            let account = BrokerDeviceAccount(
                id: device, credential: BrokerCredential.of(password: password), groups: groups.sorted(),
                tags: try await self.tagLevels(of: [device])[device] ?? [])
            try Self.check(try await self.send([.putDevices([account])]))
            try await self.storeCredentials([account])
        }
        return password
    }

    func delete(_ device: DeviceID) async {
        await turns.run(for: "accounts") {
            do throws(BrokerAccountError) {
                try Self.check(try await self.send([.deleteDevices([device])]))
            } catch {
                self.logger.warning(
                    "broker account not revoked yet; the next reconciliation retries",
                    metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// Sets the groups and tags of `devices`. Devices without an account in the plugin (`missing`) have none to change: never given one, or made
    /// before the gateway kept credentials.
    func updateGroups(of devices: [DeviceID]) async {
        guard !devices.isEmpty else { return }
        await turns.run(for: "accounts") {
            do throws(BrokerAccountError) {
                let groups: [DeviceID: [GroupID]]
                do {
                    groups = try await self.store.groups.groups(containingEach: devices)
                } catch {
                    throw .storeFailed("\(error)")
                }
                let tags = try await self.tagLevels(of: devices)
                let changes = devices.map { BrokerDeviceGroups(id: $0, groups: groups[$0] ?? [], tags: tags[$0] ?? []) }
                try await self.sendAll(BrokerControlBatches.setGroups(changes).map { [.setGroups($0)] })
            } catch {
                self.logger.warning(
                    "broker group memberships not updated yet; the next reconciliation retries",
                    metadata: ["devices": "\(devices.count)", "error": "\(error)"])
            }
        }
    }

    func groupDeleted(_ group: GroupID) async {
        await turns.run(for: "accounts") {
            do throws(BrokerAccountError) {
                try Self.check(try await self.send([.removeGroup(group)]))
            } catch {
                self.logger.warning(
                    "broker group not removed yet; the next reconciliation retries",
                    metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
    }

    func reconcile() async {
        await turns.run(for: "accounts") {
            do {
                let outcome = try await self.reconcileNow()
                if case .synchronized(let put, let removed) = outcome {
                    self.logger.notice(
                        "broker accounts reconciled", metadata: ["accounts": "\(put)", "removed": "\(removed)"])
                }
            } catch {
                self.logger.warning("broker accounts not reconciled", metadata: ["error": "\(error)"])
            }
            do {
                let removed = try await self.reconcileClientsNow()
                if removed > 0 {
                    self.logger.notice("broker client accounts reconciled", metadata: ["removed": "\(removed)"])
                }
            } catch {
                self.logger.warning("broker client accounts not reconciled", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - Inside a turn

    func send(_ commands: [BrokerControlCommand]) async throws(BrokerAccountError) -> [BrokerControlResult] {
        do throws(BrokerControlError) {
            return try await control.send(commands)
        } catch {
            throw .unavailable(error.description)
        }
    }

    static func check(_ results: [BrokerControlResult]) throws(BrokerAccountError) {
        if let failed = results.first(where: { $0.error != nil }) {
            if let taken = failed.taken?.first { throw .reserved(taken.rawValue) }
            throw .refused("\(failed.command): \(failed.error ?? "")")
        }
    }

    /// The tags of those of `devices` that have any, as the plugin keeps them: topic levels, sorted.
    func tagLevels(of devices: [DeviceID]) async throws(BrokerAccountError) -> [DeviceID: [String]] {
        do {
            return try await store.devices.find(ids: devices).compactMapValues { device in
                device.tags.isEmpty ? nil : Self.tagLevels(device.tags)
            }
        } catch {
            throw .storeFailed("\(error)")
        }
    }

    static func tagLevels(_ tags: [String]) -> [String] { tags.map(DeviceTags.topicLevel).sorted() }

    private func storeCredentials(_ accounts: [BrokerDeviceAccount]) async throws(BrokerAccountError) {
        do {
            try await store.devices.setBrokerCredentials(
                Dictionary(accounts.map { ($0.id, $0.credential) }) { _, last in last })
        } catch {
            throw .storeFailed("\(error)")
        }
    }

    private func refuseReserved(_ devices: [DeviceID]) throws(BrokerAccountError) {
        if let gatewayUsername, let taken = devices.first(where: { $0.rawValue == gatewayUsername }) {
            throw .reserved(taken.rawValue)
        }
    }
}
