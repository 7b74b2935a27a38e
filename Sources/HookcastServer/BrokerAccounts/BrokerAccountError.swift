/// Why a broker account could not be created or changed.
enum BrokerAccountError: Error, CustomStringConvertible, Equatable {
    /// The broker plugin did not answer (broker down, plugin not loaded, timed out), in words naming which.
    case unavailable(String)
    /// The broker plugin refused, in its own words.
    case refused(String)
    /// The name belongs to a broker account that is not a device's: the gateway's own, another gateway's, or one of
    /// the broker's other accounts (`plugin_opt_other_accounts_file`).
    case reserved(String)
    /// The gateway's store could not keep the account's credential.
    case storeFailed(String)
    /// The gateway was started without broker account management.
    case notManaged

    var description: String {
        switch self {
        case .unavailable(let reason): "the MQTT broker did not confirm the account change: \(reason)"
        case .refused(let reason): "the MQTT broker refused the account change: \(reason)"
        case .reserved(let name): "'\(name)' is the name of a broker account that is not a device's"
        case .storeFailed(let reason): "the device's broker credential could not be stored: \(reason)"
        case .notManaged: "this gateway does not manage broker accounts (started with --device-accounts none)"
        }
    }
}
