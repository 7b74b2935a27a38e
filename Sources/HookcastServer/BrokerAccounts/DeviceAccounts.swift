import HookcastProtocol

/// The broker accounts of devices, kept in step with the store: one account per device, named after it, allowed
/// only its own topics, the broadcast and its groups' topics (`BrokerAccessPolicy`); and beside them the operator's
/// integration and observer accounts, managed under the same condition.
protocol DeviceAccounts: Sendable {
    /// False when another system manages the broker's accounts; the operations then do nothing.
    var isManaged: Bool { get }
    /// Gives the broker accounts for devices already stored with their credentials (`NewBrokerPasswords`,
    /// `DeviceRepository.insert(_:brokerCredentials:)`), in as few exchanges with the broker as its limits allow.
    /// The passwords are the caller's to answer once; none is kept anywhere readable.
    func register(_ devices: [NewDeviceAccount], credentials: [DeviceID: String]) async throws(BrokerAccountError)
    /// Gives the device a new password (creating the account if the broker lost it) and returns it.
    func resetPassword(_ device: DeviceID) async throws(BrokerAccountError) -> String
    /// Revokes the account: the device is disconnected and cannot connect again.
    func delete(_ device: DeviceID) async
    /// Makes the broker's group memberships and tags of `devices` those in the store.
    func updateGroups(of devices: [DeviceID]) async
    /// Takes a deleted group from every device's account.
    func groupDeleted(_ group: GroupID) async
    /// Creates or replaces an integration or observer account (docs/integrations.md, "MQTT accounts").
    func putClient(_ account: BrokerClientAccount) async throws(BrokerAccountError)
    /// Revokes integration or observer accounts by user name: their clients are disconnected.
    func deleteClients(_ usernames: [String]) async
    /// Brings the broker's accounts (devices' and the integration and observer accounts) in line with the store.
    func reconcile() async
    /// Serves the broker's answers; returns when the connection closes.
    func run() async
}

/// For brokers whose accounts are managed elsewhere (or tests on an open broker).
struct UnmanagedDeviceAccounts: DeviceAccounts {
    var isManaged: Bool { false }
    func register(_ devices: [NewDeviceAccount], credentials: [DeviceID: String]) async throws(BrokerAccountError) {}
    func resetPassword(_ device: DeviceID) async throws(BrokerAccountError) -> String { throw .notManaged }
    func delete(_ device: DeviceID) async {}
    func updateGroups(of devices: [DeviceID]) async {}
    func groupDeleted(_ group: GroupID) async {}
    func putClient(_ account: BrokerClientAccount) async throws(BrokerAccountError) { throw .notManaged }
    func deleteClients(_ usernames: [String]) async {}
    func reconcile() async {}
    func run() async {}
}

/// What a new device's account is made from: its groups and tags as the caller just stored them, so that making
/// the accounts of an import of 10,000 does not read them back (25–45 ms of it for the tags alone).
struct NewDeviceAccount: Sendable, Equatable {
    var id: DeviceID
    var groups: [GroupID]
    var tags: [String]
}
