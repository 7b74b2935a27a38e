import HookcastProtocol

/// Which retained configs a re-publication after a (re)connect must send: the store's configs against what the
/// broker holds. A broker that kept its retained messages (the gateway restarted, or the connection dropped) holds
/// every config already, and sending them all again would make the broker deliver one message to every connected
/// device, tens of thousands of them, while the first commands after the connect wait behind that.
///
/// Configs of devices the store does not have are left alone: gateways of other stores may share the broker and its
/// prefix (the tests' shared broker does), and a config is not this store's to clear unless it deleted the device
/// (`DeviceConfigPublisher.clear(for:)`).
struct DeviceConfigSync: Equatable {
    /// Devices whose config the broker does not hold byte for byte as the store has it: missing (a broker that
    /// lost its database, or a change the gateway stored but did not publish before it stopped), older, or
    /// written by another version.
    var outOfStep: [DeviceID]
    /// Devices whose config the broker holds as it is.
    var inStep: Int

    /// `held` is the broker's retained messages by topic, as read back (`MQTTClient.retainedMessages`); a config
    /// missing from it (however it went missing) is out of step, so a partial read costs publishes, never a config.
    init(
        devices: [DeviceID], memberships: [DeviceID: [GroupID]], tags: [DeviceID: [String]],
        held: [String: [UInt8]], topics: Topics
    ) {
        outOfStep = []
        inStep = 0
        for device in devices {
            let expected = DeviceConfigMessage(
                deviceID: device, groups: memberships[device] ?? [], tags: tags[device] ?? [])
            if held[topics.deviceConfig(device)] == expected.encoded() {
                inStep += 1
            } else {
                outOfStep.append(device)
            }
        }
    }
}
