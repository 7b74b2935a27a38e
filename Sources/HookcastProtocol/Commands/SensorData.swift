import Foundation

/// A sensor reading passed through to devices by the `send_sensor_event` function.
public struct SensorData: Sendable, Equatable {
    static let maxFieldLength = 256

    public var id: String
    public var event: String
    public var value: JSONValue

    public init(id: String, event: String, value: JSONValue) {
        self.id = id
        self.event = event
        self.value = value
    }

    /// Accepts an object, or a string holding a JSON object (older integrations send it that way). `id` and `event`
    /// may be strings or numbers; numbers become strings. A missing `value` is `null`.
    public static func parse(_ value: JSONValue, field: String = "sensor_data") throws(ValidationError) -> SensorData {
        let object: [String: JSONValue]
        switch value {
        case .object(let fields):
            object = fields
        case .string(let text):
            guard let decoded = try? UntrustedJSON.decode(Data(text.utf8)), case .object(let fields) = decoded
            else {
                throw ValidationError(field: field, message: "must be an object, or a string holding a JSON object")
            }
            object = fields
        default:
            throw ValidationError(field: field, message: "must be an object with id, event and value")
        }
        return SensorData(
            id: try text(object["id"], field: "\(field).id"),
            event: try text(object["event"], field: "\(field).event"),
            value: object["value"] ?? .null
        )
    }

    private static func text(_ value: JSONValue?, field: String) throws(ValidationError) -> String {
        let text: String?
        switch value {
        case .string(let string): text = string
        case .number(let number): text = format(number)
        default: text = nil
        }
        guard let text, !text.isEmpty, text.count <= maxFieldLength else {
            throw ValidationError(
                field: field,
                message: "is required as a string or number of at most \(maxFieldLength) characters"
            )
        }
        return text
    }

    /// `12` rather than `12.0` for whole numbers, which is what the sender meant.
    private static func format(_ number: Double) -> String? {
        guard number.isFinite else { return nil }
        if number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return String(number)
    }
}

extension SensorData: Codable {
    enum CodingKeys: String, CodingKey {
        case id, event, value
    }

    /// Decodes with the same leniency as `parse(_:)`, so a request body can decode `sensor_data` directly.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(JSONValue.self)
        self = try Self.parse(raw, field: CodingPath.fieldName(decoder.codingPath, default: "sensor_data"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(event, forKey: .event)
        try container.encode(value, forKey: .value)
    }
}
