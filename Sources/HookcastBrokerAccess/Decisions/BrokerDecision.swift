/// The plugin's answer to an authentication or an access check.
public enum BrokerDecision: Sendable, Equatable {
    case allow
    case deny
    /// The user name is no account of the plugin's (or there is none): the plugin refuses or leaves it to the
    /// broker's other mechanisms, as `plugin_opt_other_accounts` says.
    case notOurs
}
