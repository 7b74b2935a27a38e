import Foundation
import HookcastProtocol

/// One delivery report owed to a callback URL: queued with the commands it covers, built once they are complete,
/// then sent until the receiver answers 2xx or the sender gives up. The URL and the encrypted secret are copied
/// when it is queued, so a later change of the action or key does not move it.
public struct CallbackReport: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Some command it covers is not complete yet.
        case waiting
        /// The payload is built; being sent, or waiting for its next attempt.
        case sending
        case delivered
        /// Given up: 410 Gone, or no 2xx within `CallbackRetryPolicy.giveUpAfter`.
        case failed
    }

    /// Time-ordered (`UUID.timeOrdered`): newest first is descending id, and the id is the paging cursor.
    public var id: UUID
    public var url: String
    public var encryptedSecret: Data
    public var commandIDs: [UUID]
    /// What caused it, e.g. `{"kind":"webhook","event_id":"…","api_key_id":"…"}`; copied into the payload.
    public var subject: JSONValue
    public var state: State
    public var attempts: Int
    /// When the sender tries next (state `sending`); nil otherwise.
    public var nextAttemptAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    /// When every command was complete and the payload was built.
    public var completedAt: Date?
    public var deliveredAt: Date?
    /// The exact bytes every attempt sends, once built.
    public var payload: Data?
    /// The `webhook-id` every attempt sends, once built: the receiver's key for dropping a repeat.
    public var webhookID: String?

    public init(
        id: UUID? = nil, url: String, encryptedSecret: Data, commandIDs: [UUID], subject: JSONValue,
        state: State = .waiting, attempts: Int = 0, nextAttemptAt: Date? = nil, lastStatus: Int? = nil,
        lastError: String? = nil, createdAt: Date, completedAt: Date? = nil, deliveredAt: Date? = nil,
        payload: Data? = nil, webhookID: String? = nil
    ) {
        self.id = id ?? .timeOrdered(at: createdAt)
        self.url = url
        self.encryptedSecret = encryptedSecret
        self.commandIDs = commandIDs
        self.subject = subject
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt?.roundedToMilliseconds
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt.roundedToMilliseconds
        self.completedAt = completedAt?.roundedToMilliseconds
        self.deliveredAt = deliveredAt?.roundedToMilliseconds
        self.payload = payload
        self.webhookID = webhookID
    }

    /// The command ids as the stores keep them: a JSON array of lower-case strings.
    public var commandIDsJSON: String {
        "[" + commandIDs.map { "\"\($0.lowercasedString)\"" }.joined(separator: ",") + "]"
    }

    public static func commandIDs(fromJSON text: String) -> [UUID]? {
        guard let strings = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return nil }
        let ids = strings.compactMap(UUID.init(uuidString:))
        return ids.count == strings.count ? ids : nil
    }
}

/// The result of one attempt to send a report, as the store records it.
public struct CallbackAttempt: Sendable, Equatable {
    public var at: Date
    /// The HTTP status, when the receiver answered.
    public var status: Int?
    /// Why it did not count as delivered (never the secret); nil when delivered.
    public var error: String?
    /// The state after this attempt: `delivered`, `failed`, or `sending` again at `nextAttemptAt`.
    public var state: CallbackReport.State
    public var nextAttemptAt: Date?

    public init(at: Date, status: Int?, error: String?, state: CallbackReport.State, nextAttemptAt: Date?) {
        self.at = at.roundedToMilliseconds
        self.status = status
        self.error = error
        self.state = state
        self.nextAttemptAt = nextAttemptAt?.roundedToMilliseconds
    }
}
