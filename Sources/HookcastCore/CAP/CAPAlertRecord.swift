import Foundation
import HookcastCAP
import HookcastProtocol

/// Where an alert is in its life (docs/cap.md, "Lifecycle").
public enum CAPAlertState: String, Sendable, Codable, CaseIterable {
    /// Taken and being acted on: a second copy arriving meanwhile is a duplicate.
    case processing
    /// An Alert or Update that made commands, still in force.
    case active
    /// Ended by a later Update that references it.
    case updated
    /// Ended by a Cancel (or an Update with responseType AllClear) that references it.
    case cancelled
    /// Its `expires` has passed (what it turned on has ended by itself).
    case expired
    /// Executed nothing: a Test without a test target, no rule took it, an Ack or Error, already expired.
    case recorded
    /// A Cancel (or AllClear Update) that ended the alerts it references.
    case applied
}

/// One CAP message as Hookcast received it and what became of it: the alert itself, the rules that took it, the
/// commands it made, and the alerts it ended or that ended it.
public struct CAPAlertRecord: Sendable, Equatable, Codable {
    public var id: UUID
    public var alert: CAPAlert
    public var receivedAt: Date
    /// The API key it was posted with; nil for one read from a feed.
    public var apiKeyID: UUID?
    /// The feed it was read from; nil for one posted.
    public var feedURL: String?
    public var state: CAPAlertState
    /// Why it executed less than its rules took, or nothing.
    public var notes: [String]
    public var ruleIDs: [CAPRuleID]
    public var commandIDs: [UUID]
    /// For an Update or Cancel: the alerts it ended.
    public var ended: [CAPReference]
    /// For an alert ended by a later Update or Cancel: that message.
    public var endedBy: CAPReference?
    public var endedAt: Date?
    /// The latest `expires` of its infos: what it turned on ends by then.
    public var expiresAt: Date?

    public init(id: UUID? = nil, alert: CAPAlert, receivedAt: Date, apiKeyID: UUID?, feedURL: String?) {
        self.id = id ?? .timeOrdered(at: receivedAt)
        self.alert = alert
        self.receivedAt = receivedAt.roundedToMilliseconds
        self.apiKeyID = apiKeyID
        self.feedURL = feedURL
        self.state = .processing
        self.notes = []
        self.ruleIDs = []
        self.commandIDs = []
        self.ended = []
        self.endedBy = nil
        self.endedAt = nil
        self.expiresAt = alert.infos.compactMap { $0.expires?.date }.max()?.roundedToMilliseconds
    }

    public var key: CAPReference { alert.key }

    /// The state as of `now`: an active alert whose `expires` has passed shows as expired.
    public func state(at now: Date) -> CAPAlertState {
        if state == .active, let expiresAt, expiresAt <= now { return .expired }
        return state
    }

    enum CodingKeys: String, CodingKey {
        case id, alert
        case receivedAt = "received_at"
        case apiKeyID = "api_key_id"
        case feedURL = "feed_url"
        case state, notes
        case ruleIDs = "rule_ids"
        case commandIDs = "command_ids"
        case ended
        case endedBy = "ended_by"
        case endedAt = "ended_at"
        case expiresAt = "expires_at"
    }
}
