import HookcastProtocol

/// The wildcard filters the harness's bystanders subscribe to, under the running prefix. `Topics` builds single
/// topics from validated ids; a `+` is no id, so the filters are spelled here, as the gateway spells its own.
extension Topics {
    /// Commands for any one device.
    var anyDeviceCommands: String { "\(root)/devices/+/commands" }

    /// Commands for any group.
    var anyGroupCommands: String { "\(root)/groups/+/commands" }

    /// Every device's acknowledgements.
    var anyDeviceAcks: String { "\(root)/devices/+/acks" }

    /// Every device's presence.
    var anyDeviceStatus: String { "\(root)/devices/+/status" }

    /// Every topic a target publishes a benchmark command on: one device, a group, the broadcast.
    var benchCommandFilters: [String] { [anyDeviceCommands, anyGroupCommands, allCommands] }
}
