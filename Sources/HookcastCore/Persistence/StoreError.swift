/// Why a store operation failed. Each case carries a sentence for the person reading the response or the log.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record already exists, e.g. `device 'd1' already exists`.
    case conflict(String)
    /// The record does not exist, e.g. `action 'door' does not exist`.
    case notFound(String)
    /// The database could not be opened, read or written.
    case unavailable(String)

    public var description: String {
        switch self {
        case .conflict(let message), .notFound(let message), .unavailable(let message): message
        }
    }
}
