/// Where the client's connection stands. Observe changes with `MQTTClient.stateChanges()`.
public enum MQTTConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Created, `connect()` not yet called or the first attempt failed.
    case idle
    case connecting
    case connected(sessionPresent: Bool)
    /// The connection was lost; libmosquitto is reconnecting with backoff.
    case disconnected(reason: String)
    /// `disconnect()` was called; the client is finished.
    case closed

    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .idle: return "idle"
        case .connecting: return "connecting"
        case .connected(let sessionPresent): return sessionPresent ? "connected (session resumed)" : "connected"
        case .disconnected(let reason): return "disconnected: \(reason)"
        case .closed: return "closed"
        }
    }
}
