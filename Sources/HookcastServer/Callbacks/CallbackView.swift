import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// A delivery report as the admin API shows it: never the secret; the payload only where asked for (one report).
struct CallbackView: ResponseEncodable, Sendable {
    let report: CallbackReport
    let includePayload: Bool

    enum CodingKeys: String, CodingKey {
        case id, url, state, subject, attempts, payload
        case commandIDs = "command_ids"
        case nextAttemptAt = "next_attempt_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case createdAt = "created_at"
        case completedAt = "completed_at"
        case deliveredAt = "delivered_at"
        case webhookID = "webhook_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.id.lowercasedString, forKey: .id)
        try container.encode(report.url, forKey: .url)
        try container.encode(report.state, forKey: .state)
        try container.encode(report.subject, forKey: .subject)
        try container.encode(report.commandIDs.map(\.lowercasedString), forKey: .commandIDs)
        try container.encode(report.attempts, forKey: .attempts)
        try container.encode(report.state == .sending ? report.nextAttemptAt : nil, forKey: .nextAttemptAt)
        try container.encode(report.lastStatus, forKey: .lastStatus)
        try container.encode(report.lastError, forKey: .lastError)
        try container.encode(report.createdAt, forKey: .createdAt)
        try container.encode(report.completedAt, forKey: .completedAt)
        try container.encode(report.deliveredAt, forKey: .deliveredAt)
        try container.encode(report.webhookID, forKey: .webhookID)
        if includePayload {
            // The bytes the gateway wrote itself: JSON, read back as the value it sends.
            let payload = report.payload.flatMap { try? UntrustedJSON.decode($0) }
            try container.encode(payload, forKey: .payload)
        }
    }
}

/// What `GET /api/v1/commands/{id}` says of the reports that cover the command.
struct CallbackSummary: Encodable, Sendable {
    let id: String
    let state: CallbackReport.State
    let attempts: Int
    let deliveredAt: Date?

    init(_ report: CallbackReport) {
        id = report.id.lowercasedString
        state = report.state
        attempts = report.attempts
        deliveredAt = report.deliveredAt
    }

    enum CodingKeys: String, CodingKey {
        case id, state, attempts
        case deliveredAt = "delivered_at"
    }
}
