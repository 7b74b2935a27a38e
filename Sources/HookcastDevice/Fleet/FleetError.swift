import Mosquitto

/// Why a fleet could not start, each with a sentence a person understands.
public enum FleetError: Error, Sendable, CustomStringConvertible {
    case invalidDeviceID(String, reason: String)
    case passwordUnreadable(path: String, reason: String)
    case mqtt(MQTTError)

    public var description: String {
        switch self {
        case .invalidDeviceID(let id, let reason): "'\(id)' is not a valid device id: \(reason)."
        case .passwordUnreadable(let path, let reason): "Cannot read the broker password in \(path): \(reason)."
        case .mqtt(let error): error.description
        }
    }
}
