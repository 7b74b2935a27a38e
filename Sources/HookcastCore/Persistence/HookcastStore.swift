/// Everything Hookcast persists, as one repository per kind of record over one database.
public protocol HookcastStore: Sendable {
    var keys: any KeyRepository { get }
    var devices: any DeviceRepository { get }
    var groups: any GroupRepository { get }
    var actions: any ActionRepository { get }
    var commands: any CommandRepository { get }
    var deliveries: any DeliveryRepository { get }
    var emergencies: any EmergencyStateRepository { get }

    /// Releases the database; later calls fail with `StoreError.unavailable`.
    func close() async throws
}
