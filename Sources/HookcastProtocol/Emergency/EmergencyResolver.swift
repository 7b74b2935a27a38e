import Foundation

/// How the latched scopes of one device combine into what it shows (docs/protocol.md, "Emergency state"):
/// - the device is in emergency while any of its scopes (all devices, one of its groups, itself) is `on`;
/// - the message shown is that of the most specific scope that is `on` (device, then group, then all), the
///   newest among its groups;
/// - an all-devices `off` is the all-clear: the gateway then turns every group and device scope `off` too.
public enum EmergencyResolver {
    public struct Effective: Sendable, Equatable {
        public var active: Bool
        public var message: String?
        public var since: Date?

        public init(active: Bool, message: String?, since: Date?) {
            self.active = active
            self.message = message
            self.since = since
        }
    }

    public static func resolve(_ states: some Sequence<EmergencyStateMessage>) -> Effective {
        let active = states.filter { $0.state == .on }
        guard !active.isEmpty else { return Effective(active: false, message: nil, since: nil) }
        let shown = active.max { lhs, rhs in
            (specificity(lhs.scope), lhs.since) < (specificity(rhs.scope), rhs.since)
        }
        return Effective(active: true, message: shown?.message, since: active.map(\.since).min())
    }

    private static func specificity(_ scope: ActionTarget) -> Int {
        switch scope {
        case .all: 0
        case .group, .tag: 1
        case .device: 2
        }
    }
}
