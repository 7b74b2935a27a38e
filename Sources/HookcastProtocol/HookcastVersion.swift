public enum HookcastVersion { public static let current = "0.1.0" }
