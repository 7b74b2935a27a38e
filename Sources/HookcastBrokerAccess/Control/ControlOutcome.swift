import Foundation

/// What handling one control request produced, for the plugin to carry out in this order: append `changes` to the
/// journal, disconnect the clients of `kicks`, publish `response` to the sender.
public struct ControlOutcome: Sendable, Equatable {
    /// The `BrokerControlResponse` as JSON.
    public var response: Data
    /// User names whose clients must be disconnected: deleted accounts, changed credentials, accounts a
    /// reconciliation removed. Never a group change.
    public var kicks: [String] = []
    /// The accounts changed, in the order they changed; empty for a refused request or one that changed nothing.
    public var changes: [AccountChange] = []
}
