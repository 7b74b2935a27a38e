/// The control channel between the gateway and Hookcast's mosquitto plugin (docs/broker-plugin.md): the gateway
/// publishes a `BrokerControlRequest` as JSON to `requestTopic` with an MQTT v5 response topic under
/// `responseTopic` and correlation data; the plugin applies it and publishes a `BrokerControlResponse` there with
/// the same correlation data. Only a gateway account may publish to `requestTopic`.
public enum BrokerControl {
    public static let requestTopic = "$CONTROL/hookcast/v1"
    /// Responses go to this topic or a topic below it (the request's MQTT response topic names which).
    public static let responseTopic = "$CONTROL/hookcast/v1/response"
    /// A larger request is refused unread; broker.conf's `max_packet_size` (256 KiB) refuses larger packets anyway.
    public static let maximumRequestBytes = 256 * 1024
    /// Devices named in one request, over all its commands: small enough that parsing and applying a request
    /// holds the broker's only thread for well under a millisecond or two.
    public static let maximumDevicesPerRequest = 500
}

/// One message to the plugin: commands applied in order. Each is applied whole or not at all and answered in
/// the response at the same position; a command that fails does not stop the ones after it.
public struct BrokerControlRequest: Codable, Sendable, Equatable {
    public var commands: [BrokerControlCommand]

    public init(commands: [BrokerControlCommand]) {
        self.commands = commands
    }
}

/// What the plugin can be asked to do. In JSON an object with `"command"` naming the case (`putDevices`,
/// `setGroups`, `deleteDevices`, `removeGroup`, `beginSync`, `endSync`, `digest`, `putClients`, `deleteClients`,
/// `replaceClients`) and the fields below.
public enum BrokerControlCommand: Sendable, Equatable {
    /// Creates each account or replaces it (`devices`). A changed credential disconnects the device; a change of
    /// groups or tags never does.
    case putDevices([BrokerDeviceAccount])
    /// Sets the groups and tags of existing accounts (`devices`: `id`, `groups`, `tags`, where no `tags` means
    /// none); never disconnects. Unknown ids are answered in `missing` and change nothing.
    case setGroups([BrokerDeviceGroups])
    /// Removes the accounts (`ids`) and disconnects their devices at once. Unknown ids are not an error.
    case deleteDevices([DeviceID])
    /// Takes `group` from every account that has it; never disconnects.
    case removeGroup(GroupID)
    /// Starts a full reconciliation: after `endSync` with the same `generation`, every account not put since is
    /// removed. A later `beginSync` abandons an earlier one.
    case beginSync(generation: UInt64)
    /// Ends the reconciliation `generation`; answered with what was removed in `count`. Refused if another
    /// `beginSync` came in between.
    case endSync(generation: UInt64)
    /// Answered with `count` and `digest` (`BrokerAccountDigest`) of every device account, so a gateway whose store
    /// gives the same two has nothing to reconcile.
    case digest
    /// Creates or replaces integration and observer accounts (`clients`, `BrokerClientAccount`). A changed
    /// credential or kind disconnects the account's clients; a changed scope never does (every delivery is judged
    /// again). Refused whole if a name is a gateway's or another account's.
    case putClients([BrokerClientAccount])
    /// Removes the client accounts (`usernames`) and disconnects their clients. Unknown names are not an error.
    case deleteClients([String])
    /// Makes `clients` the whole set of client accounts: puts them and removes every other one (answered with the
    /// number removed in `count`); the gateway's reconciliation, as there are at most a few hundred.
    case replaceClients([BrokerClientAccount])

    /// The name the JSON carries in `"command"`.
    public var name: String {
        switch self {
        case .putDevices: "putDevices"
        case .setGroups: "setGroups"
        case .deleteDevices: "deleteDevices"
        case .removeGroup: "removeGroup"
        case .beginSync: "beginSync"
        case .endSync: "endSync"
        case .digest: "digest"
        case .putClients: "putClients"
        case .deleteClients: "deleteClients"
        case .replaceClients: "replaceClients"
        }
    }

    /// How many accounts (devices or clients) the command names, for `BrokerControl.maximumDevicesPerRequest`.
    public var deviceCount: Int {
        switch self {
        case .putDevices(let devices): devices.count
        case .setGroups(let devices): devices.count
        case .deleteDevices(let ids): ids.count
        case .putClients(let clients), .replaceClients(let clients): clients.count
        case .deleteClients(let usernames): usernames.count
        case .removeGroup, .beginSync, .endSync, .digest: 0
        }
    }
}

/// A device's account as the plugin keeps it: its id (its user name and its only allowed client id), the
/// SHA-256 of its password as 64 lowercase hex digits, its groups, and its tags as topic levels
/// (`DeviceTags.topicLevel`, so the plugin compares a topic's level with them as they are). In JSON `tags` is left
/// out when there are none, and a missing `tags` means none.
public struct BrokerDeviceAccount: Codable, Sendable, Equatable {
    public var id: DeviceID
    public var credential: String
    public var groups: [GroupID]
    public var tags: [String]

    public init(id: DeviceID, credential: String, groups: [GroupID], tags: [String] = []) {
        self.id = id
        self.credential = credential
        self.groups = groups
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case id, credential, groups, tags }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(DeviceID.self, forKey: .id)
        credential = try container.decode(String.self, forKey: .credential)
        groups = try container.decode([GroupID].self, forKey: .groups)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(credential, forKey: .credential)
        try container.encode(groups, forKey: .groups)
        if !tags.isEmpty { try container.encode(tags, forKey: .tags) }
    }
}

/// The groups and tags (topic levels) a `setGroups` gives an account; JSON as in `BrokerDeviceAccount`.
public struct BrokerDeviceGroups: Codable, Sendable, Equatable {
    public var id: DeviceID
    public var groups: [GroupID]
    public var tags: [String]

    public init(id: DeviceID, groups: [GroupID], tags: [String] = []) {
        self.id = id
        self.groups = groups
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case id, groups, tags }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(DeviceID.self, forKey: .id)
        groups = try container.decode([GroupID].self, forKey: .groups)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(groups, forKey: .groups)
        if !tags.isEmpty { try container.encode(tags, forKey: .tags) }
    }
}

/// The plugin's answer: one result per command of the request, in order. A request that could not be read at
/// all gets one result with `command` `"request"` and the reason in `error`.
public struct BrokerControlResponse: Codable, Sendable, Equatable {
    public var results: [BrokerControlResult]

    public init(results: [BrokerControlResult]) {
        self.results = results
    }
}

public struct BrokerControlResult: Codable, Sendable, Equatable {
    public var command: String
    /// Why the command was refused; nil when it was applied.
    public var error: String?
    /// `setGroups`: the ids that have no account.
    public var missing: [DeviceID]?
    /// `digest`: the number of device accounts; `endSync`: the number removed.
    public var count: Int?
    /// `digest`: see `BrokerAccountDigest`.
    public var digest: String?
    /// `digest`: the plugin's topic prefix (`plugin_opt_topic_prefix`), so a gateway under another one can say
    /// why every device is refused. Absent from plugins older than the prefix.
    public var topicPrefix: String?

    enum CodingKeys: String, CodingKey {
        case command, error, missing, count, digest, taken
        case topicPrefix = "topic_prefix"
    }
    /// `putDevices` refused: the ids that name accounts the plugin does not manage (a gateway account, or one of
    /// the broker's other accounts listed in `plugin_opt_other_accounts_file`).
    public var taken: [DeviceID]?

    public init(
        command: String, error: String? = nil, missing: [DeviceID]? = nil, count: Int? = nil, digest: String? = nil,
        topicPrefix: String? = nil, taken: [DeviceID]? = nil
    ) {
        self.topicPrefix = topicPrefix
        self.command = command
        self.error = error
        self.missing = missing
        self.count = count
        self.digest = digest
        self.taken = taken
    }
}
