import HookcastProtocol

/// What a webhook's target resolves to: a device, every device id, a tag selection, a group. Shared by the device and group
/// repositories, because a write to either can change what the other answers.
struct FleetCache: Sendable {
    let devices = ReadCache<DeviceID, Device?>(capacity: 200_000)
    let allDeviceIDs = ReadCache<Int, [DeviceID]>(capacity: 1)
    let selectedDeviceIDs = ReadCache<TagSelection, [DeviceID]>(capacity: 1_000)
    let groups = ReadCache<GroupID, DeviceGroup?>(capacity: 100_000)
    let groupsContaining = ReadCache<DeviceID, [GroupID]>(capacity: 200_000)

    /// Runs a write, then forgets every answer.
    func writing<T>(_ write: () async throws -> T) async throws -> T {
        defer { invalidate() }
        return try await write()
    }

    func invalidate() {
        devices.invalidate()
        allDeviceIDs.invalidate()
        selectedDeviceIDs.invalidate()
        groups.invalidate()
        groupsContaining.invalidate()
    }
}
