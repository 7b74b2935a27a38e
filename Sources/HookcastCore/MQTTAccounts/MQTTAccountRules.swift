import Foundation
import HookcastProtocol

/// What an operator may give an integration or observer account; the admin API turns a violation into a 422
/// naming the field.
public enum MQTTAccountRules {
    public static let maximumDescriptionLength = 500
    public static let maximumGroups = 100

    /// A description: trimmed, at most `maximumDescriptionLength` characters, no control characters; nil for an
    /// empty one.
    public static func description(_ raw: String?) throws(ValidationError) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maximumDescriptionLength else {
            throw ValidationError(
                field: "description", message: "must be at most \(maximumDescriptionLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: "description", message: "must not contain control characters")
        }
        return trimmed.isEmpty ? nil : trimmed
    }

    /// An observer's groups: nil (the whole fleet) or 1 to `maximumGroups` distinct groups, sorted. An empty list
    /// is refused: leaving `groups` out is how one asks for the fleet, and an empty scope is only ever what group
    /// deletions leave.
    public static func observerGroups(_ groups: [GroupID]?) throws(ValidationError) -> [GroupID]? {
        guard let groups else { return nil }
        guard !groups.isEmpty else {
            throw ValidationError(
                field: "groups", message: "must name at least one group; leave it out to watch the whole fleet")
        }
        guard groups.count <= maximumGroups else {
            throw ValidationError(field: "groups", message: "must name at most \(maximumGroups) groups")
        }
        let sorted = Set(groups).sorted()
        guard sorted.count == groups.count else {
            throw ValidationError(field: "groups", message: "must not name a group twice")
        }
        return sorted
    }
}
