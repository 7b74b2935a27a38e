/// The function-specific settings of an action. Which fields are allowed or required depends on the function; see
/// `validated(for:)`.
public struct ActionParameters: Codable, Sendable, Equatable {
    /// `load_url`: required, http or https with a host, at most 2048 characters.
    public var url: String?
    /// `emergency`: required.
    public var state: EmergencyState?
    /// `emergency`: optional text shown with the alert, at most 500 characters.
    public var message: String?
    /// `refresh_datasource`: optional; all data sources when absent.
    public var datasourceID: String?
    /// `pause_loop` / `resume_loop`: optional; the current loop when absent.
    public var loopID: String?

    public init(
        url: String? = nil,
        state: EmergencyState? = nil,
        message: String? = nil,
        datasourceID: String? = nil,
        loopID: String? = nil
    ) {
        self.url = url
        self.state = state
        self.message = message
        self.datasourceID = datasourceID
        self.loopID = loopID
    }

    enum CodingKeys: String, CodingKey {
        case url, state, message
        case datasourceID = "datasource_id"
        case loopID = "loop_id"
    }
}
