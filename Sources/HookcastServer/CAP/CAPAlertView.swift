import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol
import Hummingbird

/// A received CAP message as the admin API and the intake's answer show it: the alert's key and gist, its state
/// now, what it did and what ended it. `alert` (the whole parsed message) and `commands` only in the detail view.
struct CAPAlertView: Encodable, Sendable {
    let record: CAPAlertRecord
    let now: Date
    var includesAlert = false
    var commands: [CommandSummary]?

    enum CodingKeys: String, CodingKey {
        case id, sender, identifier, sent, status
        case msgType = "msg_type"
        case scope, event, severity, urgency, certainty, headline, areas
        case expiresAt = "expires_at"
        case receivedAt = "received_at"
        case apiKeyID = "api_key_id"
        case feedURL = "feed_url"
        case state, notes
        case ruleIDs = "rule_ids"
        case commandIDs = "command_ids"
        case ended
        case endedBy = "ended_by"
        case endedAt = "ended_at"
        case alert, commands
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let alert = record.alert
        let info = alert.infos.first
        try container.encode(record.id.lowercasedString, forKey: .id)
        try container.encode(alert.sender, forKey: .sender)
        try container.encode(alert.identifier, forKey: .identifier)
        try container.encode(alert.sent.text, forKey: .sent)
        try container.encode(alert.status.rawValue, forKey: .status)
        try container.encode(alert.msgType.rawValue, forKey: .msgType)
        try container.encode(alert.scope.rawValue, forKey: .scope)
        try container.encode(info?.event, forKey: .event)
        try container.encode(info?.severity.rawValue, forKey: .severity)
        try container.encode(info?.urgency.rawValue, forKey: .urgency)
        try container.encode(info?.certainty.rawValue, forKey: .certainty)
        try container.encode(info?.headline, forKey: .headline)
        try container.encode(alert.infos.flatMap { $0.areas.map(\.areaDesc) }.uniqued(), forKey: .areas)
        try container.encode(record.expiresAt.map(JSONCoding.timestamp), forKey: .expiresAt)
        try container.encode(JSONCoding.timestamp(record.receivedAt), forKey: .receivedAt)
        try container.encode(record.apiKeyID?.lowercasedString, forKey: .apiKeyID)
        try container.encode(record.feedURL, forKey: .feedURL)
        try container.encode(record.state(at: now).rawValue, forKey: .state)
        try container.encode(record.notes, forKey: .notes)
        try container.encode(record.ruleIDs, forKey: .ruleIDs)
        try container.encode(record.commandIDs.map(\.lowercasedString), forKey: .commandIDs)
        try container.encode(record.ended.map(Reference.init), forKey: .ended)
        try container.encode(record.endedBy.map(Reference.init), forKey: .endedBy)
        try container.encode(record.endedAt.map(JSONCoding.timestamp), forKey: .endedAt)
        if includesAlert { try container.encode(alert, forKey: .alert) }
        if let commands { try container.encode(commands, forKey: .commands) }
    }

    /// An alert named by its key, as `<references>` names it.
    struct Reference: Encodable {
        let sender: String
        let identifier: String
        let sent: String

        init(_ reference: CAPReference) {
            (sender, identifier, sent) = (reference.sender, reference.identifier, reference.sent)
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// The intake's answer: the product page's `{"message":"success"}`, the alert as recorded, and the commands made
/// now (each with its status URL).
struct CAPIntakeResponse: ResponseEncodable, Sendable, AuditedAnswer {
    let message = "success"
    let duplicate: Bool
    let alert: CAPAlertView
    let commands: [Made]
    let ended: [CAPAlertView]

    struct Made: Encodable, Sendable {
        let commandID: String
        let eventID: String
        let function: String
        let target: ActionTarget
        let targets: Int
        let queued: Bool
        let statusURL: String

        enum CodingKeys: String, CodingKey {
            case commandID = "command_id"
            case eventID = "event_id"
            case function, target, targets, queued
            case statusURL = "status_url"
        }
    }

    init(_ reception: CAPReception, now: Date) {
        duplicate = reception.duplicate
        alert = CAPAlertView(record: reception.record, now: now)
        commands = zip(reception.commands, reception.published).map { command, published in
            Made(
                commandID: command.id.lowercasedString, eventID: command.eventID.rawValue,
                function: command.function.rawValue, target: command.target, targets: command.expectedDevices.count,
                queued: !published, statusURL: "/api/v1/commands/\(command.id.lowercasedString)")
        }
        ended = reception.ended.map { CAPAlertView(record: $0, now: now) }
    }

    var commandIDs: [UUID] { alert.record.commandIDs }

    enum CodingKeys: String, CodingKey {
        case message, duplicate, alert, commands, ended
    }
}
