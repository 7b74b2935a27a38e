import Foundation
import HookcastProtocol

/// What a signage player shows and has done, as far as Hookcast's functions can change it.
///
/// Dates encode as ISO-8601 timestamps when written with `DeviceJSON.encoder()`.
public struct PlayerState: Codable, Sendable, Equatable {
    /// How many sensor events the state remembers; older ones are dropped first.
    public static let maxSensorEvents = 50

    /// Whether emergency mode is on, with what text, since when.
    public struct EmergencyStatus: Codable, Sendable, Equatable {
        public var active: Bool
        public var message: String?
        public var since: Date?

        public init(active: Bool = false, message: String? = nil, since: Date? = nil) {
            self.active = active
            self.message = message
            self.since = since
        }
    }

    /// How often something happened, and when it last did.
    public struct Counter: Codable, Sendable, Equatable {
        public var count: Int
        public var lastAt: Date?

        public init(count: Int = 0, lastAt: Date? = nil) {
            self.count = count
            self.lastAt = lastAt
        }

        mutating func record(at date: Date) {
            count += 1
            lastAt = date
        }

        enum CodingKeys: String, CodingKey {
            case count
            case lastAt = "last_at"
        }
    }

    public var currentURL: String?
    public var emergency: EmergencyStatus
    public var loopPaused: Bool
    /// The loop named by the last `pause_loop`; nil when it named none or the loop runs.
    public var pausedLoopID: String?
    public var contentRefreshes: Counter
    public var datasourceRefreshes: Counter
    /// The datasource named by the last `refresh_datasource`; nil when it refreshed all of them.
    public var lastDatasourceID: String?
    /// Newest last, at most `maxSensorEvents`.
    public var recentSensorEvents: [SensorData]
    /// `restart_device` commands received; the reference agent counts them rather than restarting.
    public var restarts: Int
    /// Commands that executed successfully.
    public var commandsExecuted: Int
    public var lastCommandAt: Date?
    /// The toast shown now; nil once its time is up (`expire(at:)`).
    public var toast: Toast?
    /// Set while the screen is off; nil when it is on.
    public var snooze: Snooze?

    public init(
        currentURL: String? = nil,
        emergency: EmergencyStatus = EmergencyStatus(),
        loopPaused: Bool = false,
        pausedLoopID: String? = nil,
        contentRefreshes: Counter = Counter(),
        datasourceRefreshes: Counter = Counter(),
        lastDatasourceID: String? = nil,
        recentSensorEvents: [SensorData] = [],
        restarts: Int = 0,
        commandsExecuted: Int = 0,
        lastCommandAt: Date? = nil,
        toast: Toast? = nil,
        snooze: Snooze? = nil
    ) {
        self.currentURL = currentURL
        self.emergency = emergency
        self.loopPaused = loopPaused
        self.pausedLoopID = pausedLoopID
        self.contentRefreshes = contentRefreshes
        self.datasourceRefreshes = datasourceRefreshes
        self.lastDatasourceID = lastDatasourceID
        self.recentSensorEvents = recentSensorEvents
        self.restarts = restarts
        self.commandsExecuted = commandsExecuted
        self.lastCommandAt = lastCommandAt
        self.toast = toast
        self.snooze = snooze
    }

    /// Appends `event`, dropping the oldest beyond `maxSensorEvents`.
    mutating func recordSensorEvent(_ event: SensorData) {
        recentSensorEvents.append(event)
        let excess = recentSensorEvents.count - Self.maxSensorEvents
        if excess > 0 { recentSensorEvents.removeFirst(excess) }
    }

    enum CodingKeys: String, CodingKey {
        case currentURL = "current_url"
        case emergency
        case loopPaused = "loop_paused"
        case pausedLoopID = "paused_loop_id"
        case contentRefreshes = "content_refreshes"
        case datasourceRefreshes = "datasource_refreshes"
        case lastDatasourceID = "last_datasource_id"
        case recentSensorEvents = "recent_sensor_events"
        case restarts
        case commandsExecuted = "commands_executed"
        case lastCommandAt = "last_command_at"
        case toast, snooze
    }
}
