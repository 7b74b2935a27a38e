import HookcastCore
import HookcastProtocol
import Logging
import Synchronization

/// Device accounts in mosquitto's dynamic-security plugin, changed live over the gateway's MQTT connection: the
/// broker applies each change to connected clients at once, without a restart.
///
/// Each device is a plugin client named after the device, with the shared device role, a role of its own, and the
/// plugin groups of its Hookcast groups (each carrying the group's role). All changes run one at a time, so a
/// reconciliation never sees an account half made.
final class DynamicSecurityAccounts: DeviceAccounts {
    /// Commands per control message; mosquitto refuses packets over `max_packet_size` (256 KiB in broker.conf).
    static let batchSize = 100

    private let control: DynamicSecurityClient
    private let store: any HookcastStore
    /// The gateway's own user name, which no device may take.
    private let gatewayUsername: String?
    private let logger: Logger
    private let turns = KeyedSequencer<String>()
    /// Groups known to exist in the plugin, so a membership change does not recreate them each time.
    private let knownGroups = Mutex<Set<GroupID>>([])

    init(control: DynamicSecurityClient, store: any HookcastStore, gatewayUsername: String?, logger: Logger) {
        self.control = control
        self.store = store
        self.gatewayUsername = gatewayUsername
        self.logger = logger
    }

    var isManaged: Bool { true }

    func run() async { await control.run() }

    func create(_ device: DeviceID, groups: [GroupID]) async throws(BrokerAccountError) -> String {
        let passwords = try await create([(device, groups)])
        guard let password = passwords[device] else { throw .unavailable }
        return password
    }

    func create(_ devices: [(DeviceID, [GroupID])]) async throws(BrokerAccountError) -> [DeviceID: String] {
        if let gatewayUsername, let taken = devices.first(where: { $0.0.rawValue == gatewayUsername }) {
            throw .reserved(taken.0.rawValue)
        }
        return try await turns.run(for: "accounts") { () async throws(BrokerAccountError) -> [DeviceID: String] in
            try await self.ensureGroups(Set(devices.flatMap(\.1)))
            var passwords: [DeviceID: String] = [:]
            for chunk in devices.chunked(into: Self.batchSize / 2) {
                var commands: [DynamicSecurityCommand] = []
                for (device, groups) in chunk {
                    let password = BrokerPassword.generate()
                    passwords[device] = password
                    commands += Self.account(device, groups: groups, password: password)
                }
                let answers = try await self.send(commands)
                // An account left behind by an earlier failure is taken over: new password, current groups.
                var repairs: [DynamicSecurityCommand] = []
                for (index, answer) in answers.enumerated() where answer.error != nil {
                    guard answer.alreadyExists else { throw .refused(answer.error ?? "") }
                    guard answer.command == "createClient" else { continue }
                    let (device, groups) = chunk[index / 2]
                    repairs += [
                        .setClientPassword(username: device.rawValue, password: passwords[device] ?? ""),
                        .setClientGroups(username: device.rawValue, groups: groups.map(BrokerAccessPolicy.groupName)),
                    ]
                }
                try Self.check(try await self.send(repairs))
            }
            return passwords
        }
    }

    func resetPassword(_ device: DeviceID) async throws(BrokerAccountError) -> String {
        let password = BrokerPassword.generate()
        try await turns.run(for: "accounts") { () async throws(BrokerAccountError) in
            let answers = try await self.send([.setClientPassword(username: device.rawValue, password: password)])
            guard answers.first?.notFound == true else { return try Self.check(answers) }
            // The broker lost the account (its file was replaced): make it again.
            let groups: [GroupID]
            do {
                groups = try await self.store.groups.groups(containing: device)
            } catch {
                throw .unavailable
            }
            try await self.ensureGroups(Set(groups))
            let created = try await self.send(Self.account(device, groups: groups, password: password))
            try Self.check(created.filter { !$0.alreadyExists })
        }
        return password
    }

    func delete(_ device: DeviceID) async {
        await turns.run(for: "accounts") {
            do {
                let answers = try await self.send([
                    .deleteClient(username: device.rawValue), .deleteRole(BrokerAccessPolicy.deviceRole(device)),
                ])
                try Self.check(answers.filter { !$0.notFound })
            } catch {
                self.logger.warning(
                    "broker account not revoked yet; the next reconciliation retries",
                    metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    func updateGroups(of devices: [DeviceID]) async {
        guard !devices.isEmpty else { return }
        await turns.run(for: "accounts") {
            do {
                var commands: [DynamicSecurityCommand] = []
                var needed: Set<GroupID> = []
                for device in devices {
                    let groups = try await self.store.groups.groups(containing: device)
                    needed.formUnion(groups)
                    commands.append(
                        .setClientGroups(username: device.rawValue, groups: groups.map(BrokerAccessPolicy.groupName)))
                }
                try await self.ensureGroups(needed)
                for chunk in commands.chunked(into: Self.batchSize) {
                    // A device without an account (never given one) has nothing to update.
                    try Self.check(try await self.send(chunk).filter { !$0.notFound })
                }
            } catch {
                self.logger.warning(
                    "broker group memberships not updated yet; the next reconciliation retries",
                    metadata: ["devices": "\(devices.count)", "error": "\(error)"])
            }
        }
    }

    func groupDeleted(_ group: GroupID) async {
        await turns.run(for: "accounts") {
            self.knownGroups.withLock { _ = $0.remove(group) }
            let name = BrokerAccessPolicy.groupName(group)
            do {
                // Deleting the plugin group also takes it out of its members' lists.
                try Self.check(try await self.send([.deleteGroup(name), .deleteRole(name)]).filter { !$0.notFound })
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
                let summary = try await self.reconcileNow()
                if !summary.isEmpty {
                    self.logger.notice("broker accounts reconciled", metadata: ["changes": "\(summary)"])
                }
            } catch {
                self.logger.warning("broker accounts not reconciled", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - Inside a turn

    /// The commands that make a device's account: its own role, then the client with the shared role, its own
    /// role and its groups.
    private static func account(_ device: DeviceID, groups: [GroupID], password: String) -> [DynamicSecurityCommand] {
        [
            .createRole(BrokerAccessPolicy.deviceRole(device), permissions: BrokerAccessPolicy.device(device)),
            .createClient(
                username: device.rawValue, password: password,
                roles: [BrokerAccessPolicy.everyDeviceRole, BrokerAccessPolicy.deviceRole(device)],
                groups: groups.map(BrokerAccessPolicy.groupName)),
        ]
    }

    private func ensureGroups(_ groups: Set<GroupID>) async throws(BrokerAccountError) {
        let missing = groups.subtracting(knownGroups.withLock { $0 }).sorted { $0.rawValue < $1.rawValue }
        for chunk in missing.chunked(into: Self.batchSize / 2) {
            let commands = chunk.flatMap { group -> [DynamicSecurityCommand] in
                let name = BrokerAccessPolicy.groupName(group)
                return [
                    .createRole(name, permissions: BrokerAccessPolicy.group(group)), .createGroup(name, role: name),
                ]
            }
            try Self.check(try await send(commands).filter { !$0.alreadyExists })
            knownGroups.withLock { $0.formUnion(chunk) }
        }
    }

    private func send(_ commands: [DynamicSecurityCommand]) async throws(BrokerAccountError)
        -> [DynamicSecurityResponse]
    {
        do {
            return try await control.send(commands)
        } catch let error as BrokerAccountError {
            throw error
        } catch {
            throw .unavailable
        }
    }

    private static func check(_ answers: [DynamicSecurityResponse]) throws(BrokerAccountError) {
        if let failed = answers.first(where: { $0.error != nil }) { throw .refused(failed.error ?? "") }
    }

    /// Reads the plugin's state first and the store second: an account created meanwhile is then either not yet
    /// in the listing or already in the store, never deleted as an orphan.
    private func reconcileNow() async throws -> ReconciliationSummary {
        let listings = try await send([
            DynamicSecurityCommand.denyByDefault,
            .createRole(BrokerAccessPolicy.everyDeviceRole, permissions: BrokerAccessPolicy.everyDevice),
            .listClients(), .listGroups(), .listRoles(),
        ])
        try Self.check(listings.filter { !$0.alreadyExists })
        let broker = DynamicSecurityListing(clients: listings[2], groups: listings[3], roles: listings[4])
        let devices = Set(try await store.devices.allIDs())
        let groups = try await store.groups.all()
        var membership: [DeviceID: [GroupID]] = [:]
        for group in groups { for member in group.members { membership[member, default: []].append(group.id) } }

        var summary = ReconciliationSummary()
        var commands: [DynamicSecurityCommand] = []
        let groupIDs = Set(groups.map(\.id))
        for group in groupIDs.subtracting(broker.groups) {
            let name = BrokerAccessPolicy.groupName(group)
            commands += [
                .createRole(name, permissions: BrokerAccessPolicy.group(group)), .createGroup(name, role: name),
            ]
            summary.groupsCreated += 1
        }
        for group in broker.groups.subtracting(groupIDs) {
            let name = BrokerAccessPolicy.groupName(group)
            commands += [.deleteGroup(name), .deleteRole(name)]
            summary.groupsRemoved += 1
        }
        for (device, brokerGroups) in broker.deviceClients {
            if !devices.contains(device) {
                commands += [
                    .deleteClient(username: device.rawValue), .deleteRole(BrokerAccessPolicy.deviceRole(device)),
                ]
                summary.accountsRevoked += 1
            } else if Set(brokerGroups) != Set(membership[device] ?? []) {
                let wanted = (membership[device] ?? []).map(BrokerAccessPolicy.groupName)
                commands.append(.setClientGroups(username: device.rawValue, groups: wanted))
                summary.membershipsFixed += 1
            }
        }
        for device in broker.deviceRoles.subtracting(devices).subtracting(broker.deviceClients.keys) {
            commands.append(.deleteRole(BrokerAccessPolicy.deviceRole(device)))
        }
        summary.devicesWithoutAccount = devices.subtracting(broker.deviceClients.keys).count
        for chunk in commands.chunked(into: Self.batchSize) {
            try Self.check(try await send(chunk).filter { !$0.alreadyExists && !$0.notFound })
        }
        knownGroups.withLock { $0 = groupIDs }
        if summary.devicesWithoutAccount > 0 {
            logger.warning(
                "devices without a broker account cannot connect; give each a password with POST /api/v1/devices/{id}/mqtt-password",
                metadata: ["devices": "\(summary.devicesWithoutAccount)"])
        }
        return summary
    }
}

/// What a reconciliation changed, for its log line.
struct ReconciliationSummary: CustomStringConvertible {
    var groupsCreated = 0
    var groupsRemoved = 0
    var accountsRevoked = 0
    var membershipsFixed = 0
    var devicesWithoutAccount = 0

    var isEmpty: Bool { groupsCreated + groupsRemoved + accountsRevoked + membershipsFixed == 0 }

    var description: String {
        "groups created \(groupsCreated), groups removed \(groupsRemoved), accounts revoked \(accountsRevoked), "
            + "memberships fixed \(membershipsFixed)"
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
