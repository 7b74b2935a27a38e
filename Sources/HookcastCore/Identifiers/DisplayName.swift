import Foundation
import HookcastProtocol

/// The rule for human-facing names (API keys, devices, groups, actions): trimmed, 1 to 100 characters.
public enum DisplayName {
    public static let maxLength = 100

    /// Returns `raw` without surrounding whitespace, or throws when it is empty, too long or holds control characters.
    public static func validate(_ raw: String, field: String = "name") throws(ValidationError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maxLength else {
            throw ValidationError(field: field, message: "must be 1 to \(maxLength) characters and not only spaces")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: field, message: "must not contain control characters")
        }
        return trimmed
    }
}
