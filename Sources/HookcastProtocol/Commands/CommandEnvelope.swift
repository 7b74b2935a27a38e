import Foundation

/// The versioned JSON a device receives on a command topic:
/// `{"v":1,"id":"…","function":"load_url","params":{…},"event_id":"…","target":{…},"issued_at":"…","expires_at":"…"}`
/// plus `sensor_data` when present. Timestamps are ISO-8601 UTC with milliseconds.
public struct CommandEnvelope: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var id: UUID
    public var function: ActionFunction
    public var params: ActionParameters
    public var eventID: EventID
    public var target: ActionTarget
    public var issuedAt: Date
    public var expiresAt: Date
    public var sensorData: SensorData?

    /// Dates are kept to the millisecond, the precision on the wire.
    public init(
        id: UUID,
        function: ActionFunction,
        params: ActionParameters,
        eventID: EventID,
        target: ActionTarget,
        issuedAt: Date,
        expiresAt: Date,
        sensorData: SensorData? = nil
    ) {
        self.version = Self.currentVersion
        self.id = id
        self.function = function
        self.params = params
        self.eventID = eventID
        self.target = target
        self.issuedAt = issuedAt.roundedToMilliseconds
        self.expiresAt = expiresAt.roundedToMilliseconds
        self.sensorData = sensorData
    }

    /// The payload bytes, keys sorted so equal envelopes give equal bytes: what `JSONCoding.encoder()` writes for
    /// it, written directly (`JSONWriter`), since every command and every redelivery encodes one.
    public func encoded() -> [UInt8] {
        jsonBytes
    }

    /// Parses a payload; for devices and tests.
    public static func decode(_ bytes: [UInt8]) throws -> CommandEnvelope {
        try UntrustedJSON.decode(CommandEnvelope.self, from: Data(bytes))
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case id, function, params
        case eventID = "event_id"
        case target
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case sensorData = "sensor_data"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        id = try container.decode(UUID.self, forKey: .id)
        function = try container.decode(ActionFunction.self, forKey: .function)
        params = try container.decodeIfPresent(ActionParameters.self, forKey: .params) ?? ActionParameters()
        eventID = try container.decode(EventID.self, forKey: .eventID)
        target = try container.decode(ActionTarget.self, forKey: .target)
        issuedAt = try container.decodeTimestamp(forKey: .issuedAt)
        expiresAt = try container.decodeTimestamp(forKey: .expiresAt)
        sensorData = try container.decodeIfPresent(SensorData.self, forKey: .sensorData)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(function, forKey: .function)
        try container.encode(params, forKey: .params)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(target, forKey: .target)
        try container.encode(JSONCoding.timestamp(issuedAt), forKey: .issuedAt)
        try container.encode(JSONCoding.timestamp(expiresAt), forKey: .expiresAt)
        try container.encodeIfPresent(sensorData, forKey: .sensorData)
    }
}
