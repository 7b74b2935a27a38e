import HookcastProtocol

/// Passwords made for devices about to be created, and what the store keeps of each (`BrokerCredential`). Made
/// before the devices are stored, so that a device and its credential go into one transaction
/// (`DeviceRepository.insert(_:brokerCredentials:)`); an import of 10,000 devices spent 40–55 ms storing them in
/// a transaction of their own. The passwords are answered once and kept nowhere.
struct NewBrokerPasswords: Sendable {
    private(set) var passwords: [DeviceID: String] = [:]
    private(set) var credentials: [DeviceID: String] = [:]

    /// None: for a gateway that does not manage broker accounts.
    init() {}

    init(for devices: [DeviceID]) {
        passwords.reserveCapacity(devices.count)
        credentials.reserveCapacity(devices.count)
        for (device, password) in zip(devices, BrokerPassword.generate(count: devices.count)) {
            passwords[device] = password
            credentials[device] = BrokerCredential.of(password: password)
        }
    }
}
