import Foundation
import HookcastProtocol
import Mosquitto

/// The agent's mutable state, kept in one `Mutex`. Only the agent's single handler task changes `player`, `seen`
/// `groups` and `tags`; the lock is what lets other tasks read them.
struct AgentState {
    enum Phase {
        case idle
        case running
        case stopping
        case finished
    }

    var player: PlayerState
    var seen: SeenCommands
    var groups: Set<GroupID>
    /// The device's tags, from its config: which tag topics it listens to, and which tag targets select it.
    var tags: Set<String> = []
    /// The retained emergency state of each scope heard so far.
    var latchedEmergency: [ActionTarget: EmergencyStateMessage] = [:]
    /// When the current connection was made: the `since` of every `online` presence until the next one.
    var onlineSince: Date?
    /// The state the last `online` presence carried, so the agent re-publishes only when it changed.
    var reportedState: ReportedDeviceState?
    /// How to stop the hook running now, so an emergency state need not wait for it.
    var runningHook: HookStop?
    /// Emergency states read that overtake hooks and are not applied yet: until they are, no hook runs to its end.
    var overtakingEmergencies = 0
    /// When the timer `DeviceAgent.scheduleExpiry` set last goes off; no second timer is set for the same end.
    var expiryTimer: Date?
    var phase: Phase = .idle
    var stopWaiters: [CheckedContinuation<Void, Never>] = []

    var stateFile: DeviceStateFile {
        DeviceStateFile(player: player, seenCommands: seen.entries, groups: groups.sorted(), tags: tags.sorted())
    }
}

/// What the single handler task works through, in arrival order.
enum AgentEvent: Sendable {
    case message(MQTTMessage)
    /// A retained emergency state; `overtaking` when its reader stopped the running hook for it.
    case emergency(MQTTMessage, overtaking: Bool)
    /// The connection came back after a loss: say `online` again (the Last Will said `offline`).
    case reconnected
    /// A toast's or a snooze's time may be up: the timer set for that time went off (`DeviceAgent.scheduleExpiry`),
    /// or, with nil, the agent started.
    case expiryDue(Date?)
}
