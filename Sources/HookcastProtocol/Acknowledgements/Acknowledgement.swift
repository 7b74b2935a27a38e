import Foundation

/// A device's answer to a command, published QoS 1 (not retained) on `Topics.deviceAcks(_:)` with the command's
/// correlation data echoed: `{"v":1,"command_id":"…","device_id":"d1","status":"ok","detail":"…","executed_at":"…"}`.
/// `detail` is present only when there is something to say; `executed_at` is ISO-8601 UTC with milliseconds.
public struct Acknowledgement: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var commandID: UUID
    public var deviceID: DeviceID
    public var status: AcknowledgementStatus
    public var detail: String?
    /// When the device handled the command (executed it, or decided not to).
    public var executedAt: Date

    /// `executedAt` is kept to the millisecond, the precision on the wire.
    public init(
        commandID: UUID,
        deviceID: DeviceID,
        status: AcknowledgementStatus,
        detail: String? = nil,
        executedAt: Date
    ) {
        self.version = Self.currentVersion
        self.commandID = commandID
        self.deviceID = deviceID
        self.status = status
        self.detail = detail
        self.executedAt = executedAt.roundedToMilliseconds
    }

    /// The payload bytes, keys sorted.
    public func encoded() -> [UInt8] {
        do {
            return Array(try JSONCoding.encoder().encode(self))
        } catch {
            // Unreachable: integers, strings and a validated identifier always encode.
            assertionFailure("Acknowledgement failed to encode: \(error)")
            return []
        }
    }

    /// Parses a payload; for the gateway and tests.
    public static func decode(_ bytes: [UInt8]) throws -> Acknowledgement {
        try UntrustedJSON.decode(Acknowledgement.self, from: Data(bytes))
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case commandID = "command_id"
        case deviceID = "device_id"
        case status, detail
        case executedAt = "executed_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        commandID = try container.decode(UUID.self, forKey: .commandID)
        deviceID = try container.decode(DeviceID.self, forKey: .deviceID)
        status = try container.decode(AcknowledgementStatus.self, forKey: .status)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        executedAt = try container.decodeTimestamp(forKey: .executedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(commandID.uuidString.lowercased(), forKey: .commandID)
        try container.encode(deviceID, forKey: .deviceID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encode(JSONCoding.timestamp(executedAt), forKey: .executedAt)
    }
}
