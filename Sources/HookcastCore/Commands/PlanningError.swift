import HookcastProtocol

/// Why an action could not be turned into a command.
public enum PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    case actionDisabled(EventID)
    /// `send_sensor_event` was triggered without `sensor_data`.
    case sensorDataRequired(EventID)
    case targetDeviceUnknown(DeviceID)
    case targetGroupUnknown(GroupID)

    public var description: String {
        switch self {
        case .actionDisabled(let eventID):
            "The action for event '\(eventID)' is disabled."
        case .sensorDataRequired(let eventID):
            "The action for event '\(eventID)' sends a sensor event, so the request must include sensor_data."
        case .targetDeviceUnknown(let id):
            "The action targets device '\(id)', which is not registered."
        case .targetGroupUnknown(let id):
            "The action targets group '\(id)', which does not exist."
        }
    }
}
