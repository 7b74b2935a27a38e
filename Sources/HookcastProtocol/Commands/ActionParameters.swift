/// The function-specific settings of an action. Which fields are allowed or required depends on the function; see
/// `validated(for:)`.
public struct ActionParameters: Codable, Sendable, Equatable {
    /// `load_url`: required, http or https with a host, at most 2048 characters.
    public var url: String?
    /// `emergency`: required.
    public var state: EmergencyState?
    /// `emergency`: optional text shown with the alert; `show_toast`: required, the toast's text. At most 500
    /// characters.
    public var message: String?
    /// `refresh_datasource`: optional; all data sources when absent.
    public var datasourceID: String?
    /// `pause_loop` / `resume_loop`: optional; the current loop when absent.
    public var loopID: String?
    /// `show_toast`: how long the toast stays, 1 to 86,400 s (10 when absent). `snooze_device`: how long the
    /// screen stays off, instead of `until`. `emergency` with state `on`: when the gateway ends it by itself, 1 to
    /// 604,800 s (until an `off` when absent).
    public var durationSeconds: Int?
    /// `show_toast`: `info` when absent.
    public var level: ToastLevel?
    /// `snooze_device`: when the screen comes back on by itself, an ISO-8601 timestamp (stored in UTC with
    /// milliseconds); until `wake_device` when neither this nor `duration_seconds` is given.
    public var until: String?
    /// `cancel_command`: the id (lower-case UUID) of the command to drop if it has not run.
    public var commandID: String?

    public init(
        url: String? = nil,
        state: EmergencyState? = nil,
        message: String? = nil,
        datasourceID: String? = nil,
        loopID: String? = nil,
        durationSeconds: Int? = nil,
        level: ToastLevel? = nil,
        until: String? = nil,
        commandID: String? = nil
    ) {
        self.url = url
        self.state = state
        self.message = message
        self.datasourceID = datasourceID
        self.loopID = loopID
        self.durationSeconds = durationSeconds
        self.level = level
        self.until = until
        self.commandID = commandID
    }

    enum CodingKeys: String, CodingKey {
        case url, state, message
        case datasourceID = "datasource_id"
        case loopID = "loop_id"
        case durationSeconds = "duration_seconds"
        case level, until
        case commandID = "command_id"
    }
}
