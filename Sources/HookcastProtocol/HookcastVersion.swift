/// This release of Hookcast; the reference agent reports it as `agent_version` in its presence.
public enum HookcastVersion { public static let current = "0.1.0" }
