import HookcastProtocol

/// Registered devices.
public protocol DeviceRepository: Sendable {
    /// All of them in one transaction, or none: throws `StoreError.conflict` naming an id that is taken. For
    /// imports, where a transaction (and a sync to disk) a device made 10,000 devices take seconds. A device with
    /// an entry in `brokerCredentials` is stored with it (as `setBrokerCredentials` would), so a new device and
    /// the credential of its broker account are written together.
    func insert(_ devices: [Device], brokerCredentials: [DeviceID: String]) async throws
    /// Sorted by id.
    func all() async throws -> [Device]
    func find(id: DeviceID) async throws -> Device?
    /// Saves name and tags. Throws `StoreError.notFound` when the device does not exist.
    func update(_ device: Device) async throws
    /// Saves the name and tags of all of them in one transaction, or none: throws `StoreError.notFound` naming a
    /// device that does not exist.
    func update(_ devices: [Device]) async throws
    /// Those of `ids` that exist, from one read.
    func find(ids: [DeviceID]) async throws -> [DeviceID: Device]
    /// Also removes the device from every group. False when there was no such device.
    func delete(id: DeviceID) async throws -> Bool
    /// Those of `ids` that exist, in one transaction, each also from every group; how many there were. For an
    /// import the broker refused, whose devices one delete each (and a sync to disk each) took seconds to remove.
    func delete(ids: [DeviceID]) async throws -> Int
    /// Sorted.
    func allIDs() async throws -> [DeviceID]
    /// The devices whose tags `selection` selects now, sorted.
    func ids(selectedBy selection: TagSelection) async throws -> [DeviceID]
    /// The tags of every device that has any, from one read (for device configs and broker accounts).
    func tagsByDevice() async throws -> [DeviceID: [String]]
    /// Keeps each device's broker credential: the SHA-256 of its broker password as 64 lowercase hex digits,
    /// never the password. Ids without a device are skipped.
    func setBrokerCredentials(_ credentials: [DeviceID: String]) async throws
    /// The broker credential of every device that has one (devices made before the gateway kept them have none).
    func brokerCredentials() async throws -> [DeviceID: String]
}

extension DeviceRepository {
    /// One device without a broker credential; throws `StoreError.conflict` when the id is taken.
    public func insert(_ device: Device) async throws {
        try await insert([device], brokerCredentials: [:])
    }

    /// All of them in one transaction, or none, without broker credentials.
    public func insert(_ devices: [Device]) async throws {
        try await insert(devices, brokerCredentials: [:])
    }
}
