/// Which devices an action addresses. JSON: `{"kind":"device","id":"d1"}`, `{"kind":"group","id":"g1"}`, `{"kind":"all"}`,
/// `{"kind":"tag","tags":["lobby"],"match":"any"}`.
public enum ActionTarget: Sendable, Hashable {
    case device(DeviceID)
    case group(GroupID)
    case all
    case tag(TagSelection)

    /// The `kind` value on the wire.
    public var kind: String {
        switch self {
        case .device: "device"
        case .group: "group"
        case .all: "all"
        case .tag: "tag"
        }
    }
}

extension ActionTarget: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, id, tags, match
    }

    /// Decoding failures are `ValidationError`s naming `target.kind` or `target.id`, so the HTTP layer can answer
    /// with the field at fault.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindField = CodingPath.fieldName(decoder.codingPath, child: "kind", parentDefault: "target")
        let idField = CodingPath.fieldName(decoder.codingPath, child: "id", parentDefault: "target")
        let kind = try? container.decodeIfPresent(String.self, forKey: .kind)
        switch kind {
        case "device":
            self = .device(try DeviceID(Self.id(in: container, field: idField, kind: "device"), field: idField))
        case "group":
            self = .group(try GroupID(Self.id(in: container, field: idField, kind: "group"), field: idField))
        case "all":
            self = .all
        case "tag":
            self = .tag(try Self.tags(in: container, path: decoder.codingPath))
        default:
            throw ValidationError(field: kindField, message: "must be one of 'device', 'group', 'all' or 'tag'")
        }
    }

    private static func id(
        in container: KeyedDecodingContainer<CodingKeys>,
        field: String,
        kind: String
    ) throws(ValidationError) -> String {
        guard let id = try? container.decodeIfPresent(String.self, forKey: .id) else {
            throw ValidationError(field: field, message: "is required as a string when kind is '\(kind)'")
        }
        return id
    }

    private static func tags(
        in container: KeyedDecodingContainer<CodingKeys>,
        path: [any CodingKey]
    ) throws(ValidationError) -> TagSelection {
        let tagsField = CodingPath.fieldName(path, child: "tags", parentDefault: "target")
        let matchField = CodingPath.fieldName(path, child: "match", parentDefault: "target")
        guard let tags = try? container.decodeIfPresent([String].self, forKey: .tags) else {
            throw ValidationError(field: tagsField, message: "is required as an array of strings when kind is 'tag'")
        }
        var match = TagMatch.any
        if container.contains(.match) {
            guard let name = try? container.decode(String.self, forKey: .match), let named = TagMatch(rawValue: name)
            else { throw ValidationError(field: matchField, message: "must be 'any' or 'all'") }
            match = named
        }
        return try TagSelection(tags: tags, match: match, field: tagsField)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .device(let id): try container.encode(id, forKey: .id)
        case .group(let id): try container.encode(id, forKey: .id)
        case .all: break
        case .tag(let selection):
            try container.encode(selection.tags, forKey: .tags)
            try container.encode(selection.match, forKey: .match)
        }
    }
}
