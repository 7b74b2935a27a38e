import Foundation

/// What a device shows now, as it reports it in its presence message (docs/protocol.md, "Presence"):
/// `{"commands_executed":3,"current_url":"…","emergency":{"active":false,"message":null},"last_command_at":"…",
/// "loop_paused":false,"paused_loop_id":null,"snoozed":null,"toast":null}`.
///
/// Kept generic enough for any signage device. It comes from the device, so decoding trusts nothing: unknown keys
/// are ignored and a missing key takes its default (a device may report only what it knows), but a value of the
/// wrong type or beyond its bound refuses the whole state, so a device can never make the gateway store more than
/// a few kilobytes.
public struct ReportedDeviceState: Codable, Sendable, Equatable {
    /// The bounds of the command parameters these fields come from (`ActionParameters`).
    public static let maxURLLength = ActionParameters.maxURLLength
    public static let maxMessageLength = ActionParameters.maxMessageLength
    public static let maxLoopIDLength = ActionParameters.maxReferenceLength

    /// Whether emergency mode is on, and the text shown.
    public struct Emergency: Codable, Sendable, Equatable {
        public var active: Bool
        public var message: String?

        public init(active: Bool = false, message: String? = nil) {
            self.active = active
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case active, message
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? false
            message = try container.decodeBounded(forKey: .message, maxLength: ReportedDeviceState.maxMessageLength)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(active, forKey: .active)
            try container.encode(message, forKey: .message)
        }
    }

    /// The URL shown; nil when none was loaded.
    public var currentURL: String?
    public var emergency: Emergency
    public var loopPaused: Bool
    /// The loop named by the pause; nil when it named none or the loop runs.
    public var pausedLoopID: String?
    /// When the device last executed a command successfully, on its own clock.
    public var lastCommandAt: Date?
    public var commandsExecuted: Int
    /// The toast shown now; nil when none is.
    public var toast: Toast?
    /// Whether the screen is off, since when and until when; nil when it is on.
    public var snoozed: Snooze?

    public init(
        currentURL: String? = nil,
        emergency: Emergency = Emergency(),
        loopPaused: Bool = false,
        pausedLoopID: String? = nil,
        lastCommandAt: Date? = nil,
        commandsExecuted: Int = 0,
        toast: Toast? = nil,
        snoozed: Snooze? = nil
    ) {
        self.currentURL = currentURL
        self.emergency = emergency
        self.loopPaused = loopPaused
        self.pausedLoopID = pausedLoopID
        self.lastCommandAt = lastCommandAt?.roundedToMilliseconds
        self.commandsExecuted = commandsExecuted
        self.toast = toast
        self.snoozed = snoozed
    }

    enum CodingKeys: String, CodingKey {
        case currentURL = "current_url"
        case emergency
        case loopPaused = "loop_paused"
        case pausedLoopID = "paused_loop_id"
        case lastCommandAt = "last_command_at"
        case commandsExecuted = "commands_executed"
        case toast, snoozed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentURL = try container.decodeBounded(forKey: .currentURL, maxLength: Self.maxURLLength)
        emergency = try container.decodeIfPresent(Emergency.self, forKey: .emergency) ?? Emergency()
        loopPaused = try container.decodeIfPresent(Bool.self, forKey: .loopPaused) ?? false
        pausedLoopID = try container.decodeBounded(forKey: .pausedLoopID, maxLength: Self.maxLoopIDLength)
        let hasLastCommandAt = try container.contains(.lastCommandAt) && !container.decodeNil(forKey: .lastCommandAt)
        lastCommandAt = hasLastCommandAt ? try container.decodeTimestamp(forKey: .lastCommandAt) : nil
        commandsExecuted = try container.decodeIfPresent(Int.self, forKey: .commandsExecuted) ?? 0
        guard commandsExecuted >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .commandsExecuted, in: container, debugDescription: "commands_executed must not be negative")
        }
        toast = try container.decodeIfPresent(Toast.self, forKey: .toast)
        snoozed = try container.decodeIfPresent(Snooze.self, forKey: .snoozed)
    }

    /// Every key, absent values as `null`: the device says it shows no URL rather than leaving it unsaid.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(currentURL, forKey: .currentURL)
        try container.encode(emergency, forKey: .emergency)
        try container.encode(loopPaused, forKey: .loopPaused)
        try container.encode(pausedLoopID, forKey: .pausedLoopID)
        try container.encode(lastCommandAt.map(JSONCoding.timestamp), forKey: .lastCommandAt)
        try container.encode(commandsExecuted, forKey: .commandsExecuted)
        try container.encode(toast, forKey: .toast)
        try container.encode(snoozed, forKey: .snoozed)
    }
}

extension KeyedDecodingContainer {
    /// An optional string of at most `maxLength` characters; `null` and absence are both nil.
    func decodeBounded(forKey key: Key, maxLength: Int) throws -> String? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        // utf8.count first: a cheap upper bound that spares counting the characters of a huge string.
        guard text.utf8.count <= maxLength * 4, text.count <= maxLength else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(key.stringValue) must be at most \(maxLength) characters")
        }
        return text
    }
}
