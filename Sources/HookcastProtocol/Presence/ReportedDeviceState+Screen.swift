import Foundation

extension ReportedDeviceState {
    /// The toast shown now (`show_toast`), and until when.
    public struct Toast: Codable, Sendable, Equatable {
        public var message: String
        public var level: ToastLevel
        public var until: Date

        public init(message: String, level: ToastLevel, until: Date) {
            self.message = message
            self.level = level
            self.until = until.roundedToMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case message, level, until
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard
                let message = try container.decodeBounded(
                    forKey: .message, maxLength: ReportedDeviceState.maxMessageLength)
            else {
                throw DecodingError.keyNotFound(
                    CodingKeys.message, .init(codingPath: container.codingPath, debugDescription: "toast.message"))
            }
            self.message = message
            level = try container.decode(ToastLevel.self, forKey: .level)
            until = try container.decodeTimestamp(forKey: .until)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(level, forKey: .level)
            try container.encode(JSONCoding.timestamp(until), forKey: .until)
        }
    }

    /// The screen is off (`snooze_device`) since `since`, until `wake_device` or, when given, `until`.
    public struct Snooze: Codable, Sendable, Equatable {
        public var since: Date
        public var until: Date?

        public init(since: Date, until: Date?) {
            self.since = since.roundedToMilliseconds
            self.until = until?.roundedToMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case since, until
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            since = try container.decodeTimestamp(forKey: .since)
            until = try container.decodeNil(forKey: .until) ? nil : container.decodeTimestamp(forKey: .until)
        }

        /// `until` as `null` when the device waits to be woken.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(JSONCoding.timestamp(since), forKey: .since)
            try container.encode(until.map(JSONCoding.timestamp), forKey: .until)
        }
    }
}
