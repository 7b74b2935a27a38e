import Foundation
import HookcastProtocol

/// One reason a scope is in emergency: an `on` command, kept until it ends. A scope is `on` while it has a hold,
/// and shows the newest hold's message, so two alerts over the same screens end one at a time: the screens leave
/// emergency only when the last of them ends (docs/protocol.md, "Emergency state").
public struct EmergencyHold: Sendable, Equatable {
    /// The `on` state the command set: scope, message, the command's id and when it was issued.
    public var state: EmergencyStateMessage
    /// When the hold ends by itself (`duration_seconds`, or a CAP alert's `expires`); nil until an `off` or a
    /// cancellation ends it.
    public var endsAt: Date?

    public init(state: EmergencyStateMessage, endsAt: Date?) {
        self.state = state
        self.endsAt = endsAt.map(\.roundedToMilliseconds)
    }

    public var commandID: UUID { state.commandID }
    public var scope: ActionTarget { state.scope }
}

/// What one change of the emergency holds writes, in one transaction: the holds added and removed, and the states
/// of the scopes they changed (which are then published).
public struct EmergencyChange: Sendable, Equatable {
    public var states: [EmergencyStateMessage]
    public var added: [EmergencyHold]
    /// Holds removed, by their command's id.
    public var removed: [UUID]

    public init(states: [EmergencyStateMessage] = [], added: [EmergencyHold] = [], removed: [UUID] = []) {
        self.states = states
        self.added = added
        self.removed = removed
    }

    public var isEmpty: Bool { states.isEmpty && added.isEmpty && removed.isEmpty }
}
