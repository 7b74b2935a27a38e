/// The MQTT topic scheme. Everything lives under `hookcast/v1/` so a future scheme can run beside it.
public enum Topics {
    public static let root = "hookcast/v1"

    /// Commands for one device.
    public static func deviceCommands(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/commands" }

    /// Commands for every member of a group; devices subscribe to the groups in their config.
    public static func groupCommands(_ id: GroupID) -> String { "\(root)/groups/\(id.rawValue)/commands" }

    /// Commands for the devices with tag `tag`; devices subscribe to the tags in their config (`DeviceTags`).
    public static func tagCommands(_ tag: String) -> String { "\(root)/tags/\(DeviceTags.topicLevel(tag))/commands" }

    /// Whether `topic` is a tag's command topic, where a device also hears commands meant for others
    /// (`TagSelection.commandTopics`).
    public static func isTagCommands(_ topic: String) -> Bool {
        topic.hasPrefix(tagsPrefix) && topic.hasSuffix("/commands")
    }

    /// Built once: devices ask `isTagCommands` of every command message.
    private static let tagsPrefix = "\(root)/tags/"

    /// Commands for every device.
    public static let allCommands = "\(root)/all/commands"

    /// The retained `DeviceConfigMessage` for a device.
    public static func deviceConfig(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/config" }

    /// Where a device acknowledges commands.
    public static func deviceAcks(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/acks" }

    /// Where a device reports online/offline (and its will).
    public static func deviceStatus(_ id: DeviceID) -> String { "\(root)/devices/\(id.rawValue)/status" }

    /// The topics a command for `target` is published on: one, except for a tag target matching any of several
    /// tags (`TagSelection.commandTopics`).
    public static func commandTopics(for target: ActionTarget) -> [String] {
        switch target {
        case .device(let id): [deviceCommands(id)]
        case .group(let id): [groupCommands(id)]
        case .all: [allCommands]
        case .tag(let selection): selection.commandTopics
        }
    }

    /// Where the latched emergency state of a scope is retained; never a command topic.
    public static func emergencyState(_ scope: ActionTarget) -> String {
        switch scope {
        case .all: "\(root)/state/emergency/all"
        case .group(let id): "\(root)/state/emergency/groups/\(id.rawValue)"
        case .device(let id): "\(root)/state/emergency/devices/\(id.rawValue)"
        // No device subscribes here: `Action.validated()` refuses an emergency on tags (one retained state per
        // scope has no single topic for a tag selection). Named anyway so every scope maps to a distinct topic.
        case .tag(let selection):
            "\(root)/state/emergency/tags/\(selection.match.rawValue)/"
                + selection.tags.map(DeviceTags.topicLevel).joined(separator: ",")
        }
    }
}
