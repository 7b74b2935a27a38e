/// Who may do what on the broker: the gateway commands, each device reads only what is addressed to it (its own
/// topics, the broadcast, its groups) and writes only its own acknowledgements and presence. Everything not listed
/// is refused, so a device account can neither command another device nor read its commands.
///
/// The broker has no per-user topic patterns in its role system (mosquitto 2.0's dynamic-security plugin does not
/// expand `%u`), so each device gets a role of its own, and each Hookcast group a role its members share.
public enum BrokerAccessPolicy {
    public static let gatewayRole = "hookcast-gateway"
    /// What every device may read: the broadcast topic and the fleet-wide emergency state.
    public static let everyDeviceRole = "hookcast-device"

    public static func deviceRole(_ id: DeviceID) -> String { "hookcast-device-\(id.rawValue)" }

    /// The name of both the broker group of a Hookcast group's members and the role that group carries.
    public static func groupName(_ id: GroupID) -> String { "hookcast-group-\(id.rawValue)" }

    /// The Hookcast group a broker group name stands for, if it is one of ours.
    public static func groupID(fromBrokerName name: String) -> GroupID? {
        guard name.hasPrefix(groupPrefix) else { return nil }
        return try? GroupID(String(name.dropFirst(groupPrefix.count)))
    }

    /// The device a per-device role name stands for, if it is one of ours.
    public static func deviceID(fromRoleName name: String) -> DeviceID? {
        guard name.hasPrefix(deviceRolePrefix), name != everyDeviceRole else { return nil }
        return try? DeviceID(String(name.dropFirst(deviceRolePrefix.count)))
    }

    private static let groupPrefix = "hookcast-group-"
    private static let deviceRolePrefix = "hookcast-device-"

    /// The control topics of the dynamic-security plugin, through which the gateway manages device accounts.
    public static let controlTopics = "$CONTROL/dynamic-security/#"

    public static let gateway: [TopicPermission] = {
        let root = Topics.root
        let sends = [
            "\(root)/devices/+/commands", "\(root)/devices/+/config", "\(root)/groups/+/commands",
            "\(root)/all/commands", "\(root)/state/#", controlTopics,
        ].map { TopicPermission(.publishClientSend, $0) }
        let reads = ["\(root)/devices/+/acks", "\(root)/devices/+/status", controlTopics]
        // Acknowledgements are read through a shared subscription; the broker checks the filter with its
        // `$share/<group>/` prefix.
        let subscriptions = reads + ["$share/+/\(root)/devices/+/acks"]
        return sends + reads.map { TopicPermission(.publishClientReceive, $0) }
            + subscriptions.map { TopicPermission(.subscribePattern, $0) }
    }()

    public static let everyDevice: [TopicPermission] = readable([
        Topics.allCommands, Topics.emergencyState(.all),
    ])

    public static func device(_ id: DeviceID) -> [TopicPermission] {
        readable([Topics.deviceCommands(id), Topics.deviceConfig(id), Topics.emergencyState(.device(id))])
            + [Topics.deviceAcks(id), Topics.deviceStatus(id)].map { TopicPermission(.publishClientSend, $0) }
    }

    public static func group(_ id: GroupID) -> [TopicPermission] {
        readable([Topics.groupCommands(id), Topics.emergencyState(.group(id))])
    }

    /// Subscribing with exactly these topics, and receiving on them. Literal, so a device's filter can never be a
    /// wildcard that reaches further.
    private static func readable(_ topics: [String]) -> [TopicPermission] {
        topics.flatMap { [TopicPermission(.subscribeLiteral, $0), TopicPermission(.publishClientReceive, $0)] }
    }
}
