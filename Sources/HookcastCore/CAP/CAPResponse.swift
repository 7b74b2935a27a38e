import HookcastCAP
import HookcastProtocol

/// What the screens do for an alert a rule takes.
public enum CAPResponse: String, Sendable, Codable, CaseIterable {
    /// By the alert's severity: Extreme and Severe turn emergency mode on, the rest show a toast.
    case automatic = "auto"
    /// Emergency mode, whatever the severity.
    case emergency
    /// A toast, whatever the severity.
    case toast

    public func function(for severity: CAPSeverity) -> ActionFunction {
        switch self {
        case .emergency: .emergency
        case .toast: .showToast
        case .automatic:
            switch severity {
            case .extreme, .severe: .emergency
            case .moderate, .minor, .unknown: .showToast
            }
        }
    }

    /// Whether this response can turn emergency mode on (which a tag target cannot take).
    public var mayTurnEmergencyOn: Bool { self != .toast }
}

extension ToastLevel {
    /// The toast's level for an alert's severity.
    public init(severity: CAPSeverity) {
        switch severity {
        case .extreme, .severe: self = .critical
        case .moderate: self = .warning
        case .minor, .unknown: self = .info
        }
    }
}
