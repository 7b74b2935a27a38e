/// What issued a command: a webhook call or the admin's "test action" button.
public enum CommandSource: String, Codable, Sendable, CaseIterable {
    case webhook
    case test
}
