import Foundation

extension Acknowledgement {
    /// Parses a payload; for the gateway and tests. A payload over `maximumSize` is refused unread. The gateway
    /// reads one per device per command, so it is parsed with `JSONParser` and read field by field, not through
    /// `JSONDecoder`; it accepts and refuses what `init(from:)` does (`AcknowledgementReadingTests` compares them).
    public static func decode(_ bytes: [UInt8]) throws -> Acknowledgement {
        guard bytes.count <= maximumSize else { throw TooLarge.payload }
        return try Acknowledgement(reading: try UntrustedJSON.decode(bytes))
    }

    /// The fields in `init(from:)`'s order, so a payload wrong in two ways is refused for the same one.
    init(reading document: JSONValue) throws {
        guard case .object(let fields) = document,
            case .number(let number)? = fields["v"], let version = Int(exactly: number),
            case .string(let commandText)? = fields["command_id"], let commandID = UUID(parsing: commandText),
            case .string(let deviceText)? = fields["device_id"]
        else { throw UntrustedJSON.Failure.invalid }
        let deviceID = try DeviceID(deviceText)
        guard case .string(let statusText)? = fields["status"],
            let status = AcknowledgementStatus(rawValue: statusText)
        else { throw UntrustedJSON.Failure.invalid }
        let detail: String?
        switch fields["detail"] {
        case nil, .null?: detail = nil
        case .string(let text)?:
            guard text.utf8.count <= Self.maximumDetailSize else { throw TooLarge.detail }
            detail = text
        default: throw UntrustedJSON.Failure.invalid
        }
        guard case .string(let executedText)? = fields["executed_at"],
            let executedAt = JSONCoding.date(fromTimestamp: executedText)
        else { throw UntrustedJSON.Failure.invalid }
        self.init(commandID: commandID, deviceID: deviceID, status: status, detail: detail, executedAt: executedAt)
        self.version = version
    }
}
