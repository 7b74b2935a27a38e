/// The devices a tag target means: those with any of `tags`, or with all of them. JSON:
/// `{"kind":"tag","tags":["lobby","floor-2"],"match":"any"}` (`match` defaults to `any`).
public struct TagSelection: Sendable, Hashable {
    /// At most this many tags in one target: each `any` tag is one publish.
    public static let maximumTags = 20

    /// Validated (`DeviceTags`), sorted and without duplicates; never empty.
    public let tags: [String]
    public let match: TagMatch

    public init(tags: [String], match: TagMatch = .any, field: String = "target.tags") throws(ValidationError) {
        let valid = try DeviceTags.validated(tags, field: field)
        guard !valid.isEmpty else { throw ValidationError(field: field, message: "must name at least one tag") }
        guard valid.count <= Self.maximumTags else {
            throw ValidationError(field: field, message: "must have at most \(Self.maximumTags) entries")
        }
        self.tags = valid.sorted()
        self.match = match
    }

    /// Whether a device with `deviceTags` is one of the devices meant.
    public func selects(_ deviceTags: some Sequence<String>) -> Bool {
        let owned = Set(deviceTags)
        switch match {
        case .any: return tags.contains(where: owned.contains)
        case .all: return tags.allSatisfy(owned.contains)
        }
    }
}

public enum TagMatch: String, Sendable, Hashable, Codable, CaseIterable {
    case any, all
}
