import HookcastProtocol

/// Every group name the tables have seen, each stored once and named by its index, so an account's groups are a
/// few 4-byte indices instead of strings. Names are never forgotten (a removed group keeps its index): there are
/// few groups, and stable indices keep every account's list valid.
public struct GroupNames: Sendable {
    private var names: [GroupID] = []
    private var indices: [GroupID: UInt32] = [:]

    public init() {}

    /// The index of `group`, adding it if it is new.
    public mutating func intern(_ group: GroupID) -> UInt32 {
        if let index = indices[group] { return index }
        let index = UInt32(names.count)
        names.append(group)
        indices[group] = index
        return index
    }

    /// The index of `group` if it was ever seen.
    public func index(of group: GroupID) -> UInt32? {
        indices[group]
    }

    public subscript(index: UInt32) -> GroupID {
        names[Int(index)]
    }
}
