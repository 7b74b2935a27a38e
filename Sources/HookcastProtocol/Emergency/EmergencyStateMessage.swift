import Foundation

/// The latched emergency state of one scope (all devices, a group, a device), published retained on its own state
/// topic so a device that (re)connects shows the right state at once, even if it missed every command.
/// `{"v":1,"scope":{"kind":"all"},"state":"on","message":"…","command_id":"…","since":"…"}`
public struct EmergencyStateMessage: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var scope: ActionTarget
    public var state: EmergencyState
    public var message: String?
    /// The command that set this state.
    public var commandID: UUID
    public var since: Date

    public init(scope: ActionTarget, state: EmergencyState, message: String?, commandID: UUID, since: Date) {
        self.version = Self.currentVersion
        self.scope = scope
        self.state = state
        self.message = message
        self.commandID = commandID
        self.since = since.roundedToMilliseconds
    }

    public func encoded() -> [UInt8] {
        (try? Array(JSONCoding.encoder().encode(self))) ?? []
    }

    public static func decode(_ bytes: [UInt8]) throws -> EmergencyStateMessage {
        try UntrustedJSON.decode(EmergencyStateMessage.self, from: Data(bytes))
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case scope, state, message
        case commandID = "command_id"
        case since
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        scope = try container.decode(ActionTarget.self, forKey: .scope)
        state = try container.decode(EmergencyState.self, forKey: .state)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        commandID = try container.decode(UUID.self, forKey: .commandID)
        since = try container.decodeTimestamp(forKey: .since)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(scope, forKey: .scope)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encode(commandID.lowercasedString, forKey: .commandID)
        try container.encode(JSONCoding.timestamp(since), forKey: .since)
    }
}
