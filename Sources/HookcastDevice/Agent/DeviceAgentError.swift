/// Why a `DeviceAgent` cannot do what it was asked.
public enum DeviceAgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `run()` was called a second time, or after `stop()`; an agent runs once.
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted: "the device agent has already been started; create a new one to run again"
        }
    }
}
