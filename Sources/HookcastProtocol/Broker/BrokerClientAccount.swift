/// An integration or observer account as the broker plugin keeps it (docs/broker-plugin.md, "Client accounts"):
/// its name, the SHA-256 of its password as 64 lowercase hex digits, and what it may do.
///
/// JSON: `{"kind":"integration","name":…,"credential":…}` or
/// `{"kind":"observer","name":…,"credential":…,"groups":[…],"commands":true}`, where an observer without
/// `groups` watches the whole fleet and one with `"groups":[]` watches nothing (all its groups were deleted).
public struct BrokerClientAccount: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// Publishes triggers, reads its own answers.
        case integration
        /// Reads the fleet's (`groups` nil) or its groups' acknowledgements, presence, emergency state and, with
        /// `includeCommands`, commands.
        case observer(groups: [GroupID]?, includeCommands: Bool)
    }

    public var name: MQTTAccountName
    public var credential: String
    public var role: Role

    public init(name: MQTTAccountName, credential: String, role: Role) {
        self.name = name
        self.credential = credential
        self.role = role
    }

    /// The broker user name: `integration.<name>` or `observer.<name>`.
    public var username: String { Self.username(kind: role.kind, name: name) }

    public static func username(kind: Kind, name: MQTTAccountName) -> String { "\(kind.rawValue).\(name.rawValue)" }

    /// The two kinds, as the user name's prefix and JSON's `kind`.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case integration, observer
    }

    /// The kind and name of a client account's user name, or nil when `username` is none.
    public static func parse(username: String) -> (kind: Kind, name: MQTTAccountName)? {
        guard let dot = username.firstIndex(of: "."), let kind = Kind(rawValue: String(username[..<dot])),
            let name = try? MQTTAccountName(String(username[username.index(after: dot)...]))
        else { return nil }
        return (kind, name)
    }
}

extension BrokerClientAccount.Role {
    public var kind: BrokerClientAccount.Kind {
        switch self {
        case .integration: .integration
        case .observer: .observer
        }
    }
}

extension BrokerClientAccount: Codable {
    private enum CodingKeys: String, CodingKey { case kind, name, credential, groups, commands }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(MQTTAccountName.self, forKey: .name)
        credential = try container.decode(String.self, forKey: .credential)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .integration:
            role = .integration
        case .observer:
            role = .observer(
                groups: try container.decodeIfPresent([GroupID].self, forKey: .groups),
                includeCommands: try container.decodeIfPresent(Bool.self, forKey: .commands) ?? false)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role.kind, forKey: .kind)
        try container.encode(name, forKey: .name)
        try container.encode(credential, forKey: .credential)
        if case .observer(let groups, let includeCommands) = role {
            try container.encodeIfPresent(groups, forKey: .groups)
            try container.encode(includeCommands, forKey: .commands)
        }
    }
}
