/// How a `show_toast` message is styled: a player may colour it, and may keep a `critical` one above other content.
public enum ToastLevel: String, Codable, Sendable, CaseIterable {
    case info
    case warning
    case critical
}
