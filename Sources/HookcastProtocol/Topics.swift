/// The MQTT topic scheme (docs/protocol.md, "Topics"): every topic lives under one prefix, `hookcast/v1` unless the
/// operator chose another (`--topic-prefix`), so Hookcast fits into a namespace an integrator already runs and a
/// future scheme can run beside this one. The gateway, the devices and the broker plugin must agree on it; devices
/// learn nothing new, their topics follow the prefix they are configured with.
public struct Topics: Sendable, Hashable {
    public static let defaultPrefix = "hookcast/v1"
    /// The topics under `defaultPrefix`.
    public static let standard = Topics(checked: defaultPrefix)

    /// The prefix, without a trailing `/`.
    public let root: String
    /// `root` and `/`, built once: devices and the plugin compare every message's topic with it.
    public let rootSlash: String
    private let tagsPrefix: String

    /// The topics under `prefix`; refused when it is not a plain topic name of its own levels (`TopicPrefixError`).
    public init(prefix: String) throws(TopicPrefixError) {
        try TopicPrefixError.check(prefix)
        self.init(checked: prefix)
    }

    private init(checked prefix: String) {
        root = prefix
        rootSlash = prefix + "/"
        tagsPrefix = prefix + "/tags/"
    }

    /// Commands for one device.
    public func deviceCommands(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/commands" }

    /// Commands for every member of a group; devices subscribe to the groups in their config.
    public func groupCommands(_ id: GroupID) -> String { "\(root)/groups/\(id.rawValue)/commands" }

    /// Commands for the devices with tag `tag`; devices subscribe to the tags in their config (`DeviceTags`).
    public func tagCommands(_ tag: String) -> String { "\(tagsPrefix)\(DeviceTags.topicLevel(tag))/commands" }

    /// Whether `topic` is a tag's command topic, where a device also hears commands meant for others
    /// (`TagSelection`).
    public func isTagCommands(_ topic: String) -> Bool {
        topic.utf8.starts(with: tagsPrefix.utf8) && topic.utf8.reversed().starts(with: "/commands".utf8.reversed())
    }

    /// Commands for every device.
    public var allCommands: String { "\(root)/all/commands" }

    /// The retained `DeviceConfigMessage` for a device.
    public func deviceConfig(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/config" }

    /// Every device's retained config: what the gateway reads back after a (re)connect to publish only the configs
    /// the broker does not hold as the store has them.
    public var allDeviceConfigs: String { "\(root)/devices/+/config" }

    /// The device whose retained config `topic` is, if it is one (and names a valid device id).
    public func deviceOfConfig(_ topic: String) -> DeviceID? {
        guard let levels = TopicLevels(topic, under: self), levels.count == 3, levels[0] == "devices",
            levels[2] == "config"
        else { return nil }
        return try? DeviceID(String(levels[1]))
    }

    /// Where a gateway reading back retained messages publishes the marker that ends the read
    /// (`MQTTClient.retainedMessages`): `token` is fresh for every read, so no other reader sees it.
    public func retainedReadMarker(_ token: String) -> String { "\(root)/sync/\(token)" }

    /// Where a device acknowledges commands.
    public func deviceAcks(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/acks" }

    /// Where Hookcast's broker plugin publishes the acknowledgements it gathered for the gateways
    /// (`GatheredAcknowledgements`); no client may publish there.
    public var gatheredAcknowledgements: String { "\(root)/broker/acks" }

    /// Where a device reports online/offline (and its will).
    public func deviceStatus(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/status" }

    /// The topics a command for `target` is published on, so the broker does the fan-out: one, except for a tag
    /// target matching any of several tags, which goes out once per tag (a device with several of them receives
    /// the command more than once and runs it once, by its id); a target matching all of several tags goes out on
    /// the first tag's topic only, and a device that lacks one of the others drops it.
    public func commandTopics(for target: ActionTarget) -> [String] {
        switch target {
        case .device(let id): [deviceCommands(id)]
        case .group(let id): [groupCommands(id)]
        case .all: [allCommands]
        case .tag(let selection):
            switch selection.match {
            case .any: selection.tags.map(tagCommands)
            case .all: [tagCommands(selection.tags[0])]
            }
        }
    }

    /// Where the latched emergency state of a scope is retained; never a command topic.
    public func emergencyState(_ scope: ActionTarget) -> String {
        "\(root)/\(Self.emergencyStateLevels(scope))"
    }

    /// The levels of `emergencyState` below the prefix.
    static func emergencyStateLevels(_ scope: ActionTarget) -> String {
        switch scope {
        case .all: "state/emergency/all"
        case .group(let id): "state/emergency/groups/\(id.rawValue)"
        case .device(let id): "state/emergency/devices/\(id.rawValue)"
        // No device subscribes here: `Action.validated()` refuses an emergency on tags (one retained state per
        // scope has no single topic for a tag selection). Named anyway so every scope maps to a distinct topic.
        case .tag(let selection):
            "state/emergency/tags/\(selection.match.rawValue)/"
                + selection.tags.map(DeviceTags.topicLevel).joined(separator: ",")
        }
    }

    /// Whether `topic` is an emergency state topic.
    public func isEmergencyState(_ topic: String) -> Bool {
        relative(topic)?.utf8.starts(with: "state/emergency/".utf8) ?? false
    }

    /// The part of `topic` below the prefix, without the `/`; nil for a topic outside it. Compared byte by byte
    /// (not as Unicode characters, which `hasPrefix` would), as the broker compares topics.
    public func relative(_ topic: String) -> Substring? {
        let bytes = topic.utf8
        guard bytes.starts(with: rootSlash.utf8) else { return nil }
        return topic[bytes.index(bytes.startIndex, offsetBy: rootSlash.utf8.count)...]
    }
}

extension ActionTarget {
    /// The key that names an emergency scope in the store: its state topic under the default prefix, whatever
    /// prefix is running, so stored holds and states (kept under these keys since they were introduced) stay valid
    /// when the prefix changes. Also the order in which scopes are listed.
    public var emergencyScopeKey: String { Topics.standard.emergencyState(self) }
}
