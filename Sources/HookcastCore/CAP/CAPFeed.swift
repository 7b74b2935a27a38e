import Foundation
import HookcastProtocol

/// A URL Hookcast polls for CAP alerts: one alert, or an Atom or RSS feed whose entries link to alerts (or carry
/// them). What it reads goes through the same rules and lifecycle as a posted alert (docs/cap.md, "Feeds").
public struct CAPFeed: Sendable, Equatable, Codable {
    public static let intervalRange = 10...86_400
    public static let defaultIntervalSeconds = 60

    public var id: CAPFeedID
    public var url: String
    public var intervalSeconds: Int
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CAPFeedID, url: String, intervalSeconds: Int = CAPFeed.defaultIntervalSeconds, enabled: Bool = true,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.url = url
        self.intervalSeconds = intervalSeconds
        self.enabled = enabled
        self.createdAt = createdAt.roundedToMilliseconds
        self.updatedAt = updatedAt.roundedToMilliseconds
    }

    /// An http or https URL with a host and no user or password in it, at most 2048 characters; an interval
    /// from 10 s to a day.
    public func validated() throws(ValidationError) -> CAPFeed {
        guard url.count <= 2048, let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw ValidationError(
                field: "url",
                message: "must be an http or https URL with a host and no credentials, at most 2048 characters")
        }
        guard Self.intervalRange.contains(intervalSeconds) else {
            throw ValidationError(
                field: "interval_seconds",
                message: "must be from \(Self.intervalRange.lowerBound) to \(Self.intervalRange.upperBound)")
        }
        return self
    }

    enum CodingKeys: String, CodingKey {
        case id, url
        case intervalSeconds = "interval_seconds"
        case enabled
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(CAPFeedID.self, forKey: .id), url: try container.decode(String.self, forKey: .url),
            intervalSeconds: try container.decode(Int.self, forKey: .intervalSeconds),
            enabled: try container.decode(Bool.self, forKey: .enabled),
            createdAt: try container.decodeTimestamp(forKey: .createdAt),
            updatedAt: try container.decodeTimestamp(forKey: .updatedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(intervalSeconds, forKey: .intervalSeconds)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(JSONCoding.timestamp(createdAt), forKey: .createdAt)
        try container.encode(JSONCoding.timestamp(updatedAt), forKey: .updatedAt)
    }
}

/// What polling a feed has found so far: when, with what answer, the validators for the next conditional request,
/// and the entries already acted on.
public struct CAPFeedStatus: Sendable, Equatable, Codable {
    /// How many entries a feed remembers: enough for any feed's window, bounded however long it runs.
    public static let rememberedEntries = 2_000

    public var lastPolledAt: Date?
    /// The HTTP status of the last poll; nil when it got no answer.
    public var lastStatus: Int?
    /// Why the last poll failed, in one sentence; nil when it succeeded.
    public var lastError: String?
    public var etag: String?
    public var lastModified: String?
    /// Entry keys (id or link, with its updated time) already acted on, oldest first.
    public var seenEntries: [String]
    public var alertsReceived: Int

    public init() {
        seenEntries = []
        alertsReceived = 0
    }

    /// Remembers `keys`, forgetting the oldest past `rememberedEntries`.
    public mutating func remember(_ keys: [String]) {
        seenEntries += keys
        if seenEntries.count > Self.rememberedEntries {
            seenEntries.removeFirst(seenEntries.count - Self.rememberedEntries)
        }
    }

    enum CodingKeys: String, CodingKey {
        case lastPolledAt = "last_polled_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case etag
        case lastModified = "last_modified"
        case seenEntries = "seen_entries"
        case alertsReceived = "alerts_received"
    }
}
