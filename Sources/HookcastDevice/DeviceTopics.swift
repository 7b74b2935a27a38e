/// The device side of Hookcast (reference agent and simulator) builds on this target; see docs/protocol.md.
public enum HookcastDevice {
    public static let protocolVersion = 1
}
