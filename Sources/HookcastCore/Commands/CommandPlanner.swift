import Foundation
import HookcastProtocol

/// Turns an action into a command: checks it may run and snapshots the devices its target means right now.
/// Pure; the store-backed convenience is in `CommandPlanner+Store.swift`.
public struct CommandPlanner: Sendable {
    public init() {}

    /// - Parameters:
    ///   - registeredDevices: every registered device (used for `.device` and `.all` targets); for a `.tag` target,
    ///     the devices whose tags it selects now.
    ///   - groupMembers: for a `.group` target, the group's members, or nil when the group does not exist.
    ///   - id: the command id; a new time-ordered UUID (`UUID.timeOrdered`) unless a test pins it.
    public func plan(
        action: Action,
        sensorData: SensorData?,
        registeredDevices: [DeviceID],
        groupMembers: [DeviceID]?,
        now: Date,
        apiKeyID: UUID?,
        source: CommandSource,
        id: UUID? = nil
    ) throws(PlanningError) -> Command {
        guard action.enabled else { throw .actionDisabled(action.eventID) }
        if action.function == .sendSensorEvent, sensorData == nil {
            throw .sensorDataRequired(action.eventID)
        }
        let issuedAt = now.roundedToMilliseconds
        return Command(
            id: id ?? .timeOrdered(at: issuedAt),
            eventID: action.eventID,
            actionName: action.name,
            function: action.function,
            params: action.params,
            sensorData: sensorData,
            target: action.target,
            expectedDevices: try expectedDevices(
                for: action.target,
                registeredDevices: registeredDevices,
                groupMembers: groupMembers
            ),
            issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(TimeInterval(action.ttlSeconds)),
            apiKeyID: apiKeyID,
            source: source
        )
    }

    private func expectedDevices(
        for target: ActionTarget,
        registeredDevices: [DeviceID],
        groupMembers: [DeviceID]?
    ) throws(PlanningError) -> [DeviceID] {
        switch target {
        case .device(let id):
            guard registeredDevices.contains(id) else { throw .targetDeviceUnknown(id) }
            return [id]
        case .group(let id):
            guard let groupMembers else { throw .targetGroupUnknown(id) }
            return Array(Set(groupMembers)).sorted()
        case .all, .tag:
            return Array(Set(registeredDevices)).sorted()
        }
    }
}
