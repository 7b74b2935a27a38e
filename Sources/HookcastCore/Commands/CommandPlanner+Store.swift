import Foundation
import HookcastProtocol

extension CommandPlanner {
    /// Plans against the current contents of `store`, reading only what the action's target needs.
    public func plan(
        action: Action,
        sensorData: SensorData?,
        store: any HookcastStore,
        now: Date,
        apiKeyID: UUID?,
        source: CommandSource
    ) async throws -> Command {
        var registered: [DeviceID] = []
        var members: [DeviceID]?
        // Skip the reads when the plan would be refused anyway.
        if action.enabled {
            switch action.target {
            case .device(let id):
                registered = try await store.devices.find(id: id) == nil ? [] : [id]
            case .group(let id):
                members = try await store.groups.find(id: id)?.members
            case .all:
                registered = try await store.devices.allIDs()
            case .tag(let selection):
                registered = try await store.devices.ids(selectedBy: selection)
            }
        }
        return try plan(
            action: action,
            sensorData: sensorData,
            registeredDevices: registered,
            groupMembers: members,
            now: now,
            apiKeyID: apiKeyID,
            source: source
        )
    }
}
