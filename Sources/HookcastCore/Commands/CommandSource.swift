/// What issued a command.
public enum CommandSource: String, Codable, Sendable, CaseIterable {
    /// A webhook call.
    case webhook
    /// The admin's "test action" button.
    case test
    /// A CAP alert, through the CAP rules (docs/cap.md).
    case cap
    /// The gateway, when an emergency's last hold on a scope ended (its `duration_seconds` or its alert's
    /// `expires` passed, or its alert was cancelled).
    case expiry

    /// Whether an all-devices emergency `off` from this source is the all-clear that ends every scope's emergency.
    /// The gateway's own `off` ends one scope's last hold and must leave other scopes' alerts standing.
    public var mayClearEveryScope: Bool {
        switch self {
        case .webhook, .test: true
        case .cap, .expiry: false
        }
    }
}
