import HookcastProtocol

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
    /// `plugin_opt_topic_prefix`: the topic prefix the gateway and devices use (`--topic-prefix`), which every
    /// access rule is built on; `hookcast/v1` by default.
    public var topics = Topics.standard
    /// `plugin_opt_bridge_integrations`: `local-client-id=integration-name[,…]`, the bridges (by the `local_clientid`
    /// of their `connection` in broker.conf) whose incoming triggers act as that integration account.
    public var bridges: [String: String] = [:]

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
            case "topic_prefix":
                do {
                    topics = try Topics(prefix: value)
                } catch {
                    throw .badTopicPrefix(error)
                }
            case "bridge_integrations":
                bridges = try Self.bridges(value)
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
    case badTopicPrefix(TopicPrefixError)
    case badBridgeIntegrations

    public var description: String {
        switch self {
        case .emptyValue(let key): "plugin_opt_\(key) is empty"
        case .badOtherAccounts: "plugin_opt_other_accounts must be deny or defer"
        case .badTopicPrefix(let error): "plugin_opt_topic_prefix: \(error)"
        case .badBridgeIntegrations:
            "plugin_opt_bridge_integrations must be local-client-id=integration-name pairs separated by commas"
        }
    }
}

extension BrokerPluginOptions {
    /// `a=b,c=d`: each client id once, each name an identifier (as integration account names are).
    static func bridges(_ value: String) throws(BrokerPluginOptionsError) -> [String: String] {
        var bridges: [String: String] = [:]
        for pair in value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, (try? GroupID(String(parts[1]))) != nil,
                bridges[String(parts[0])] == nil
            else { throw .badBridgeIntegrations }
            bridges[String(parts[0])] = String(parts[1])
        }
        return bridges
    }
}
