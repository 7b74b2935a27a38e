import Foundation

extension ActionParameters {
    static let maxURLLength = 2048
    public static let maxMessageLength = 500
    static let maxReferenceLength = 128
    /// A toast or a timed snooze lasts at most a day.
    public static let maxDurationSeconds = 86_400
    public static let defaultToastSeconds = 10
    /// An emergency that ends by itself lasts at most a week, like a command's TTL.
    public static let maxEmergencySeconds = 604_800

    /// Checks the parameters against `function`: required fields present, fields of other functions absent, values
    /// in range. Errors name the field as `params.<json name>`. Returns them as they are stored and sent: `until`
    /// in UTC with milliseconds.
    public func validated(for function: ActionFunction) throws(ValidationError) -> ActionParameters {
        let allowed = Self.allowedKeys(for: function)
        for key in presentKeys where !allowed.contains(key) {
            throw ValidationError(
                field: "params.\(key.rawValue)",
                message: "is not used by the \(function.rawValue) function"
            )
        }
        switch function {
        case .loadURL:
            guard let url else { throw Self.required(.url, for: function) }
            try Self.validateURL(url)
        case .emergency:
            guard let state else { throw Self.required(.state, for: function) }
            if let message { try Self.validateMessage(message) }
            if let durationSeconds {
                // The gateway ends the emergency when this has passed; an `off` has nothing to end.
                guard state == .on else {
                    throw ValidationError(field: "params.duration_seconds", message: "is used only with state on")
                }
                guard (1...Self.maxEmergencySeconds).contains(durationSeconds) else {
                    throw ValidationError(
                        field: "params.duration_seconds",
                        message: "must be a whole number of seconds from 1 to \(Self.maxEmergencySeconds)")
                }
            }
        case .showToast:
            guard let message else { throw Self.required(.message, for: function) }
            try Self.validateMessage(message)
            guard message.contains(where: { !$0.isWhitespace }) else {
                throw ValidationError(field: "params.message", message: "must not be empty")
            }
            try Self.validateDuration(durationSeconds)
        case .snoozeDevice:
            try Self.validateDuration(durationSeconds)
            if let until {
                guard durationSeconds == nil else {
                    throw ValidationError(field: "params.until", message: "cannot be given with duration_seconds")
                }
                var normalized = self
                normalized.until = JSONCoding.timestamp(try Self.snoozeEnd(until))
                return normalized
            }
        case .refreshDatasource:
            try Self.validateReference(datasourceID, key: .datasourceID)
        case .pauseLoop, .resumeLoop:
            try Self.validateReference(loopID, key: .loopID)
        case .cancelCommand:
            guard let commandID else { throw Self.required(.commandID, for: function) }
            guard UUID(uuidString: commandID) != nil else {
                throw ValidationError(field: "params.command_id", message: "must be a command's id (a UUID)")
            }
        case .sendSensorEvent, .refreshContent, .restartDevice, .wakeDevice:
            break
        }
        return self
    }

    private var presentKeys: [CodingKeys] {
        [
            url.map { _ in .url },
            state.map { _ in .state },
            message.map { _ in .message },
            datasourceID.map { _ in .datasourceID },
            loopID.map { _ in .loopID },
            durationSeconds.map { _ in .durationSeconds },
            level.map { _ in .level },
            until.map { _ in .until },
            commandID.map { _ in .commandID },
        ].compactMap { $0 }
    }

    private static func allowedKeys(for function: ActionFunction) -> Set<CodingKeys> {
        switch function {
        case .loadURL: [.url]
        case .emergency: [.state, .message, .durationSeconds]
        case .refreshDatasource: [.datasourceID]
        case .pauseLoop, .resumeLoop: [.loopID]
        case .showToast: [.message, .durationSeconds, .level]
        case .snoozeDevice: [.until, .durationSeconds]
        case .cancelCommand: [.commandID]
        case .sendSensorEvent, .refreshContent, .restartDevice, .wakeDevice: []
        }
    }

    private static func required(_ key: CodingKeys, for function: ActionFunction) -> ValidationError {
        ValidationError(field: "params.\(key.rawValue)", message: "is required for the \(function.rawValue) function")
    }

    /// The date `until` names; the device reads it with this too.
    public static func snoozeEnd(_ until: String) throws(ValidationError) -> Date {
        guard let date = JSONCoding.date(fromTimestamp: until) else {
            throw ValidationError(
                field: "params.until", message: "must be an ISO-8601 timestamp such as 2026-12-06T18:00:00Z")
        }
        return date
    }

    private static func validateMessage(_ message: String) throws(ValidationError) {
        guard message.count <= maxMessageLength else {
            throw ValidationError(field: "params.message", message: "must be at most \(maxMessageLength) characters")
        }
    }

    private static func validateDuration(_ seconds: Int?) throws(ValidationError) {
        guard let seconds else { return }
        guard (1...maxDurationSeconds).contains(seconds) else {
            throw ValidationError(
                field: "params.duration_seconds",
                message: "must be a whole number of seconds from 1 to \(maxDurationSeconds)")
        }
    }

    /// The `load_url` rule, also checked by the device itself: a player opens nothing but a web page.
    public static func validateURL(_ url: String) throws(ValidationError) {
        let error = ValidationError(
            field: "params.url",
            message: "must be an http or https URL with a host, at most \(maxURLLength) characters"
        )
        guard url.count <= maxURLLength,
            let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { throw error }
    }

    private static func validateReference(_ value: String?, key: CodingKeys) throws(ValidationError) {
        guard let value else { return }
        // Not all white space: Unicode's White_Space and U+200B, exactly the scalars of
        // `CharacterSet.whitespacesAndNewlines` (ReferenceWhitespaceTests). Not CharacterSet itself: it is this
        // module's one use of Foundation's CoreFoundation-backed half, and without it the broker plugin, which
        // links this module statically, needs neither CoreFoundation nor ICU.
        let hasNonSpace = value.unicodeScalars.contains { !$0.properties.isWhitespace && $0 != "\u{200B}" }
        guard hasNonSpace, value.count <= maxReferenceLength,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ValidationError(
                field: "params.\(key.rawValue)",
                message: "must be 1 to \(maxReferenceLength) characters without control characters when given"
            )
        }
    }
}
