import HookcastProtocol

/// One change to the plugin's device or client accounts as the journal records it: the whole account after the change, or
/// its removal. Replaying either twice gives the same result, which is what lets a snapshot taken a little after
/// a segment switch be followed by that whole segment (docs/broker-plugin.md, "Journal").
public enum AccountChange: Sendable, Equatable {
    case put(BrokerDeviceAccount)
    case delete(DeviceID)
    /// An integration or observer account, whole.
    case putClient(BrokerClientAccount)
    /// The removal of the client account with this user name.
    case deleteClient(String)
}
