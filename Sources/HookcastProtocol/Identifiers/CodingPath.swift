/// Turns a decoder's coding path into the dotted field name the HTTP layer reports, e.g. `target.id` or `members[2]`.
public enum CodingPath {
    public static func fieldName(_ path: [any CodingKey], default fallback: String) -> String {
        guard !path.isEmpty else { return fallback }
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return name
    }

    /// The field name for a child key of the value being decoded.
    static func fieldName(_ path: [any CodingKey], child: String, parentDefault: String) -> String {
        "\(fieldName(path, default: parentDefault)).\(child)"
    }
}
