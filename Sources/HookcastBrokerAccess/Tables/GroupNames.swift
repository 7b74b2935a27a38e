import HookcastProtocol

/// Every name of one kind the tables have seen (an account's groups and tags), each stored once and named by its index, so
/// an account's groups and tags are a few 4-byte indices instead of strings. Names are never forgotten (a removed
/// group keeps its index): there are few groups and tags, and stable indices keep every account's list valid.
public struct InternedNames<Name: Hashable & Sendable>: Sendable {
    private var names: [Name] = []
    private var indices: [Name: UInt32] = [:]

    public init() {}

    /// The index of `name`, adding it if it is new.
    public mutating func intern(_ name: Name) -> UInt32 {
        if let index = indices[name] { return index }
        let index = UInt32(names.count)
        names.append(name)
        indices[name] = index
        return index
    }

    /// The index of `name` if it was ever seen.
    public func index(of name: Name) -> UInt32? {
        indices[name]
    }

    public subscript(index: UInt32) -> Name {
        names[Int(index)]
    }
}

/// What an account's scope index names: one of its groups, or one of its tags as a topic level
/// (`DeviceTags.topicLevel`).
public enum AccountScope: Hashable, Sendable {
    case group(GroupID)
    case tag(String)
}

public typealias ScopeNames = InternedNames<AccountScope>
