/// Why a broker account could not be created or changed.
enum BrokerAccountError: Error, CustomStringConvertible {
    /// The broker did not answer (down, or its dynamic-security plugin is not loaded).
    case unavailable
    /// The broker refused, in its own words.
    case refused(String)
    /// The name belongs to the gateway's own account.
    case reserved(String)
    /// The gateway was started without broker account management.
    case notManaged

    var description: String {
        switch self {
        case .unavailable: "the MQTT broker did not answer the account request"
        case .refused(let reason): "the MQTT broker refused the account change: \(reason)"
        case .reserved(let name): "'\(name)' is the gateway's own broker account"
        case .notManaged: "this gateway does not manage broker accounts (started with --device-accounts none)"
        }
    }
}
