import Foundation
import HookcastProtocol

/// One line of the audit log: a webhook call, an admin change or a cancel, as it was answered. Never holds a
/// secret: an API key appears by its id and name, a console session by a short digest of its id, and the before
/// and after of a change are the admin API's public representation (keys masked, no hashes, no passwords).
public struct AuditEntry: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A call to the webhook endpoint.
        case trigger
        /// A change made through the admin API (or the console, which uses it).
        case admin
        /// A command cancelled through the admin API.
        case cancel
    }

    /// Time-ordered (`UUID.timeOrdered`): newest first is descending id, and the id is the paging cursor.
    public var id: UUID
    public var at: Date
    public var kind: Kind
    public var actor: AuditActor
    /// The caller's IP address as the gateway saw it; nil when there was none.
    public var remoteAddress: String?
    /// The event a trigger named (as sent, at most 128 characters, even when unknown).
    public var eventID: String?
    /// The commands made (a trigger, "Test action") or cancelled.
    public var commandIDs: [UUID]
    /// The HTTP status of the answer.
    public var status: Int?
    /// The error code of the answer (`APIError.code`); nil when it succeeded.
    public var errorCode: String?
    /// What an admin change or cancel touched: `key`, `action`, `device`, `group`, `command`.
    public var resource: String?
    public var resourceID: String?
    /// `create`, `update`, `delete`, `import`, `reset_mqtt_password`, `rotate_signing_secret`, `reveal`, …
    public var operation: String?
    public var before: JSONValue?
    public var after: JSONValue?
    /// How many calls this entry stands for: 1, or more for an aggregated entry (`AuditTrail` folds refused calls
    /// beyond a budget, and calls that named no valid key, into one entry per minute).
    public var count: Int

    public init(
        id: UUID? = nil, at: Date, kind: Kind, actor: AuditActor, remoteAddress: String? = nil,
        eventID: String? = nil, commandIDs: [UUID] = [], status: Int? = nil, errorCode: String? = nil,
        resource: String? = nil, resourceID: String? = nil, operation: String? = nil, before: JSONValue? = nil,
        after: JSONValue? = nil, count: Int = 1
    ) {
        self.id = id ?? .timeOrdered(at: at)
        self.at = at.roundedToMilliseconds
        self.kind = kind
        self.actor = actor
        self.remoteAddress = remoteAddress
        self.eventID = eventID
        self.commandIDs = commandIDs
        self.status = status
        self.errorCode = errorCode
        self.resource = resource
        self.resourceID = resourceID
        self.operation = operation
        self.before = before
        self.after = after
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case id, at, kind, actor, status, resource, operation, before, after, count
        case remoteAddress = "remote_address"
        case eventID = "event_id"
        case commandIDs = "command_ids"
        case errorCode = "error"
        case resourceID = "resource_id"
    }

    /// Every field, null when absent, so each entry has the same shape; ids in lower case like the rest of the API.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encode(kind, forKey: .kind)
        try container.encode(actor, forKey: .actor)
        try container.encode(remoteAddress, forKey: .remoteAddress)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(commandIDs.map(\.lowercasedString), forKey: .commandIDs)
        try container.encode(status, forKey: .status)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(resource, forKey: .resource)
        try container.encode(resourceID, forKey: .resourceID)
        try container.encode(operation, forKey: .operation)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encode(count, forKey: .count)
    }
}

/// Who did it. For a trigger, the API key (id and name, never the secret or its hash), or `unidentified` when the
/// call named no valid key; for the admin API, the admin token or a console session.
public struct AuditActor: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable {
        case apiKey = "api_key"
        case unidentified
        case adminToken = "admin_token"
        case console
    }

    public var type: Kind
    /// The key's id; for a console session the first 16 hex digits of the SHA-256 of its id, which tells sessions
    /// apart without being usable as one.
    public var id: String?
    /// The key's name when it was used.
    public var name: String?

    public init(type: Kind, id: String? = nil, name: String? = nil) {
        self.type = type
        self.id = id
        self.name = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
    }

    enum CodingKeys: String, CodingKey { case type, id, name }

    public static let adminToken = AuditActor(type: .adminToken)
    public static let unidentified = AuditActor(type: .unidentified)
}

extension AuditEntry {
    /// `commandIDs` as the stores keep them, a JSON array of lower-case ids, written with `JSONWriter` as the
    /// command row's JSON columns are: every webhook writes one.
    public var commandIDsJSON: String {
        var writer = JSONWriter(capacity: 2 + 39 * commandIDs.count)
        writer.openArray()
        for id in commandIDs { writer.string(id.lowercasedString) }
        writer.closeArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
