import HookcastProtocol

/// The device accounts in memory: id → credential, groups and sync mark, in one dictionary of small fixed-size
/// entries (48 bytes each, plus the id's own storage when it is longer than 15 bytes). A value type: a copy is one reference count until either side
/// changes, which is how the journal gets a snapshot to write on its own thread.
public struct DeviceAccountTable: Sendable {
    struct Entry: Sendable {
        var credential: StoredCredential
        /// Indices into `groupNames`, in the order the gateway gave them (so the account reads back as it was put).
        var groups: GroupIndices
        /// The reconciliation epoch of the last `putDevices` that named this account (see `BrokerAccessState`).
        var syncMark: UInt32
    }

    private(set) var entries: [DeviceID: Entry] = [:]
    private(set) var groupNames = GroupNames()

    public init() {}

    public var count: Int { entries.count }

    public func contains(_ id: DeviceID) -> Bool { entries[id] != nil }

    func entry(_ id: DeviceID) -> Entry? { entries[id] }

    /// The account as the gateway put it.
    public func account(_ id: DeviceID) -> BrokerDeviceAccount? {
        entries[id].map { account(id, $0) }
    }

    func account(_ id: DeviceID, _ entry: Entry) -> BrokerDeviceAccount {
        BrokerDeviceAccount(
            id: id, credential: entry.credential.hex, groups: entry.groups.indices.map { groupNames[$0] })
    }

    /// Every account, in no particular order: for the journal's snapshot, off the broker's thread.
    public func accounts() -> [BrokerDeviceAccount] {
        entries.map { account($0.key, $0.value) }
    }

    /// Whether device `id` is a member of the group named `group`; allocates nothing (asked for every delivery).
    public func isMember(_ id: DeviceID, of group: Substring) -> Bool {
        guard let entry = entries[id] else { return false }
        return entry.groups.contains { groupNames[$0].rawValue == group }
    }

    func isMember(_ entry: Entry, of group: Substring) -> Bool {
        entry.groups.contains { groupNames[$0].rawValue == group }
    }

    mutating func indices(of groups: [GroupID]) -> GroupIndices {
        GroupIndices(groups.map { groupNames.intern($0) })
    }

    func groupIndex(_ group: GroupID) -> UInt32? { groupNames.index(of: group) }

    mutating func set(_ id: DeviceID, _ entry: Entry) {
        entries[id] = entry
    }

    @discardableResult
    mutating func remove(_ id: DeviceID) -> Entry? {
        entries.removeValue(forKey: id)
    }

    /// Applies `update` to every entry in place; returns the ids it changed (`update` returns true for those).
    mutating func updateAll(_ update: (inout Entry) -> Bool) -> [DeviceID] {
        var changed: [DeviceID] = []
        var index = entries.startIndex
        while index < entries.endIndex {
            if update(&entries.values[index]) { changed.append(entries.keys[index]) }
            index = entries.index(after: index)
        }
        return changed
    }
}
