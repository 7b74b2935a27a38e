import Foundation

/// A device's answer to a command, published QoS 1 (not retained) on `Topics.deviceAcks(_:)` with the command's
/// correlation data echoed: `{"v":1,"command_id":"…","device_id":"d1","status":"ok","detail":"…","executed_at":"…"}`.
/// `detail` is present only when there is something to say; `executed_at` is ISO-8601 UTC with milliseconds.
/// A payload over `maximumSize` bytes, or a `detail` over `maximumDetailSize` UTF-8 bytes, is refused: a device
/// account must not be able to grow the gateway's memory or store with its answers.
public struct Acknowledgement: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    /// The most bytes a payload may have; the gateway drops a longer one unread.
    public static let maximumSize = 16 * 1024
    /// The most UTF-8 bytes of `detail`; `init` shortens a longer one, `decode` refuses it.
    public static let maximumDetailSize = 1024

    public var version: Int
    public var commandID: UUID
    public var deviceID: DeviceID
    public var status: AcknowledgementStatus
    public var detail: String?
    /// When the device handled the command (executed it, or decided not to).
    public var executedAt: Date

    /// `executedAt` is kept to the millisecond, the precision on the wire; `detail` is cut to `maximumDetailSize`
    /// bytes (at a character boundary), so a hook's long output still makes an answer the gateway accepts.
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
        self.detail = detail.map(Self.shortened)
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

    /// Why `decode` refused an acknowledgement for its size (apart from being unreadable), so the gateway can
    /// count the two apart.
    public enum TooLarge: Error, Sendable, Equatable, CustomStringConvertible {
        case payload
        case detail

        public var description: String {
            switch self {
            case .payload: "an acknowledgement is at most \(Acknowledgement.maximumSize) bytes"
            case .detail: "an acknowledgement's detail is at most \(Acknowledgement.maximumDetailSize) bytes"
            }
        }
    }

    /// The longest prefix of `detail` of at most `maximumDetailSize` UTF-8 bytes.
    static func shortened(_ detail: String) -> String {
        guard detail.utf8.count > maximumDetailSize else { return detail }
        var bytes = 0
        var end = detail.startIndex
        for index in detail.indices {
            let next = detail.index(after: index)
            bytes += detail.utf8.distance(from: index, to: next)
            if bytes > maximumDetailSize { break }
            end = next
        }
        return String(detail[..<end])
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
        if let detail, detail.utf8.count > Self.maximumDetailSize { throw TooLarge.detail }
        executedAt = try container.decodeTimestamp(forKey: .executedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(commandID.lowercasedString, forKey: .commandID)
        try container.encode(deviceID, forKey: .deviceID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encode(JSONCoding.timestamp(executedAt), forKey: .executedAt)
    }
}
