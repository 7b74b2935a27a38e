/// The plugin's `plugin_opt_*` lines of broker.conf. Paths are relative to the broker's working directory.
public struct BrokerPluginOptions: Sendable, Equatable {
    /// What the plugin answers for a user name that is none of its accounts (or no user name).
    public enum OtherAccounts: String, Sendable {
        /// Refuse the login and every access check.
        case deny
        /// Leave the decision to the broker's other mechanisms (a `password_file`, another plugin).
        case `defer`
    }

    /// `plugin_opt_state_dir`: the journal's and snapshot's directory, created 0700 if missing.
    public var stateDirectory = "hookcast-accounts"
    /// `plugin_opt_gateway_accounts`: the `username:credential` file of the gateway's accounts.
    public var gatewayAccountsFile = "gateway-accounts"
    /// `plugin_opt_other_accounts`: `deny` (the default) or `defer`.
    public var otherAccounts = OtherAccounts.deny
    /// `plugin_opt_other_accounts_file`: the broker's `password_file` (or any file of `username[:…]` lines), whose
    /// users the plugin never manages (`OtherAccountNames`); none by default.
    public var otherAccountsFile: String?

    public init() {}

    /// Reads the options mosquitto passes (their names without `plugin_opt_`); unknown ones are kept in `unknown`,
    /// to log. A bad value of a known option is an error: the broker should not start with a configuration that
    /// says something else than it does.
    public init(_ options: [(key: String, value: String)]) throws(BrokerPluginOptionsError) {
        self.init()
        for (key, value) in options {
            switch key {
            case "state_dir":
                guard !value.isEmpty else { throw .emptyValue(key) }
                stateDirectory = value
            case "gateway_accounts":
                guard !value.isEmpty else { throw .emptyValue(key) }
                gatewayAccountsFile = value
            case "other_accounts_file":
                guard !value.isEmpty else { throw .emptyValue(key) }
                otherAccountsFile = value
            case "other_accounts":
                guard let parsed = OtherAccounts(rawValue: value) else { throw .badOtherAccounts }
                otherAccounts = parsed
            default:
                unknown.append(key)
            }
        }
    }

    /// Options given that the plugin does not know (a typo, most likely), for the caller to log.
    public var unknown: [String] = []
}

public enum BrokerPluginOptionsError: Error, Equatable, CustomStringConvertible {
    case emptyValue(String)
    case badOtherAccounts

    public var description: String {
        switch self {
        case .emptyValue(let key): "plugin_opt_\(key) is empty"
        case .badOtherAccounts: "plugin_opt_other_accounts must be deny or defer"
        }
    }
}
