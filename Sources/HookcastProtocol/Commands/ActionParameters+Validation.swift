import Foundation

extension ActionParameters {
    static let maxURLLength = 2048
    static let maxMessageLength = 500
    static let maxReferenceLength = 128

    /// Checks the parameters against `function`: required fields present, fields of other functions absent, values
    /// in range. Errors name the field as `params.<json name>`.
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
            guard state != nil else { throw Self.required(.state, for: function) }
            if let message, message.count > Self.maxMessageLength {
                throw ValidationError(
                    field: "params.message",
                    message: "must be at most \(Self.maxMessageLength) characters"
                )
            }
        case .refreshDatasource:
            try Self.validateReference(datasourceID, key: .datasourceID)
        case .pauseLoop, .resumeLoop:
            try Self.validateReference(loopID, key: .loopID)
        case .sendSensorEvent, .refreshContent, .restartDevice:
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
        ].compactMap { $0 }
    }

    private static func allowedKeys(for function: ActionFunction) -> Set<CodingKeys> {
        switch function {
        case .loadURL: [.url]
        case .emergency: [.state, .message]
        case .refreshDatasource: [.datasourceID]
        case .pauseLoop, .resumeLoop: [.loopID]
        case .sendSensorEvent, .refreshContent, .restartDevice: []
        }
    }

    private static func required(_ key: CodingKeys, for function: ActionFunction) -> ValidationError {
        ValidationError(field: "params.\(key.rawValue)", message: "is required for the \(function.rawValue) function")
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
