import Foundation

extension Acknowledgement {
    /// Parses a payload; for the gateway and tests. A payload over `maximumSize` is refused unread. The gateway
    /// reads one per device per command, so it is parsed with `JSONParser` and read field by field, not through
    /// `JSONDecoder`; it accepts and refuses what `init(from:)` does (`AcknowledgementReadingTests` compares them).
    public static func decode(_ bytes: [UInt8]) throws -> Acknowledgement {
        guard bytes.count <= maximumSize else { throw TooLarge.payload }
        guard let fields = try UntrustedJSON.fields(Self.fieldNames, of: bytes) else {
            throw UntrustedJSON.Failure.invalid
        }
        return try Acknowledgement(reading: fields)
    }

    /// What `init(reading:)` reads, in its order.
    private static let fieldNames = ["v", "command_id", "device_id", "status", "detail", "executed_at"]

    /// The fields in `init(from:)`'s order, so a payload wrong in two ways is refused for the same one.
    private init(reading fields: [JSONValue?]) throws {
        let (versionField, commandField, deviceField) = (fields[0], fields[1], fields[2])
        let (statusField, detailField, executedField) = (fields[3], fields[4], fields[5])
        guard case .number(let number)? = versionField, let version = Int(exactly: number),
            case .string(let commandText)? = commandField, let commandID = UUID(parsing: commandText),
            case .string(let deviceText)? = deviceField
        else { throw UntrustedJSON.Failure.invalid }
        let deviceID = try DeviceID(deviceText)
        guard case .string(let statusText)? = statusField,
            let status = AcknowledgementStatus(rawValue: statusText)
        else { throw UntrustedJSON.Failure.invalid }
        let detail: String?
        switch detailField {
        case nil, .null?: detail = nil
        case .string(let text)?:
            guard text.utf8.count <= Self.maximumDetailSize else { throw TooLarge.detail }
            detail = text
        default: throw UntrustedJSON.Failure.invalid
        }
        guard case .string(let executedText)? = executedField,
            let executedAt = JSONCoding.date(fromTimestamp: executedText)
        else { throw UntrustedJSON.Failure.invalid }
        self.init(commandID: commandID, deviceID: deviceID, status: status, detail: detail, executedAt: executedAt)
        self.version = version
    }
}
