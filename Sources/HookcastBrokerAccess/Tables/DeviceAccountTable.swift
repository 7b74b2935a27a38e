import HookcastProtocol

/// The device accounts in memory: id → credential, groups and tags (its scopes), and sync mark. A value type: a copy is a reference count
/// until either side changes, which is how the journal gets a snapshot to write on its own thread.
///
/// Two dense stores rather than one dictionary of entries: a Swift dictionary's buckets are a power of two at most
/// three quarters full, so 100,000 accounts take 262,144 buckets; with the 48-byte entries in them that is 168 bytes
/// an account. Here the buckets hold a 4-byte slot number and the entries sit in an array of about one per account:
/// MemoryTests measured 178 bytes an account before, 109 after (with ids of 18 bytes, which take 32 bytes of their
/// own), and a snapshot's copy-on-write copies less.
public struct DeviceAccountTable: Sendable {
    struct Entry: Sendable {
        var credential: StoredCredential
        /// Indices into `scopeNames`: the groups, then the tags, each in the order the gateway gave them (so the
        /// account reads back as it was put). One list, not two: a second would take the entry from 48 bytes to 64.
        var scopes: GroupIndices
        /// The reconciliation epoch of the last `putDevices` that named this account (see `BrokerAccessState`).
        var syncMark: UInt32
    }

    private var slotOfDevice: [DeviceID: UInt32] = [:]
    /// Entries by slot; a removed account's slot holds its old entry until `freeSlots` hands it out again.
    private var slots: [Entry] = []
    private var freeSlots: [UInt32] = []
    private(set) var scopeNames = ScopeNames()

    public init() {}

    public var count: Int { slotOfDevice.count }

    public func contains(_ id: DeviceID) -> Bool { slotOfDevice[id] != nil }

    func entry(_ id: DeviceID) -> Entry? { slotOfDevice[id].map { slots[Int($0)] } }

    /// The account as the gateway put it.
    public func account(_ id: DeviceID) -> BrokerDeviceAccount? {
        entry(id).map { account(id, $0) }
    }

    func account(_ id: DeviceID, _ entry: Entry) -> BrokerDeviceAccount {
        var groups: [GroupID] = []
        var tags: [String] = []
        for index in entry.scopes.indices {
            switch scopeNames[index] {
            case .group(let group): groups.append(group)
            case .tag(let level): tags.append(level)
            }
        }
        return BrokerDeviceAccount(id: id, credential: entry.credential.hex, groups: groups, tags: tags)
    }

    /// Every account, in no particular order.
    public func accounts() -> [BrokerDeviceAccount] {
        slotOfDevice.map { account($0.key, slots[Int($0.value)]) }
    }

    /// Every account, one at a time, in no particular order: for the journal's snapshot, off the broker's thread.
    func forEachAccount(_ body: (BrokerDeviceAccount) -> Void) {
        for (id, slot) in slotOfDevice { body(account(id, slots[Int(slot)])) }
    }

    /// The ids whose entry satisfies `predicate`, in no particular order.
    func ids(where predicate: (Entry) -> Bool) -> [DeviceID] {
        slotOfDevice.compactMap { predicate(slots[Int($0.value)]) ? $0.key : nil }
    }

    /// Whether device `id` is a member of the group named `group`; allocates nothing (asked for every delivery).
    public func isMember(_ id: DeviceID, of group: Substring) -> Bool {
        guard let entry = entry(id) else { return false }
        return isMember(entry, of: group)
    }

    func isMember(_ entry: Entry, of group: Substring) -> Bool {
        entry.scopes.contains {
            guard case .group(let id) = scopeNames[$0] else { return false }
            return id.rawValue == group
        }
    }

    /// Whether the account has the tag whose topic level is `level`; allocates nothing (asked for every delivery).
    func hasTag(_ entry: Entry, level: Substring) -> Bool {
        entry.scopes.contains {
            guard case .tag(let tag) = scopeNames[$0] else { return false }
            return tag == level
        }
    }

    mutating func scopes(groups: [GroupID], tags: [String]) -> GroupIndices {
        GroupIndices(groups.map { scopeNames.intern(.group($0)) } + tags.map { scopeNames.intern(.tag($0)) })
    }

    func groupIndex(_ group: GroupID) -> UInt32? { scopeNames.index(of: .group(group)) }

    mutating func set(_ id: DeviceID, _ entry: Entry) {
        if let slot = slotOfDevice[id] {
            slots[Int(slot)] = entry
        } else if let slot = freeSlots.popLast() {
            slots[Int(slot)] = entry
            slotOfDevice[id] = slot
        } else {
            // 2^32 accounts of 48 bytes would need 192 GiB for the slots alone: the broker runs out of memory first.
            slotOfDevice[id] = UInt32(slots.count)
            slots.append(entry)
        }
    }

    @discardableResult
    mutating func remove(_ id: DeviceID) -> Entry? {
        guard let slot = slotOfDevice.removeValue(forKey: id) else { return nil }
        let removed = slots[Int(slot)]
        if slotOfDevice.isEmpty {
            // Nothing points into the slots any more: let their memory go rather than keep it for reuse.
            slots = []
            freeSlots = []
        } else {
            freeSlots.append(slot)
        }
        return removed
    }

    /// Applies `update` to every entry in place; returns the ids it changed (`update` returns true for those).
    mutating func updateAll(_ update: (inout Entry) -> Bool) -> [DeviceID] {
        var changed: [DeviceID] = []
        for (id, slot) in slotOfDevice where update(&slots[Int(slot)]) { changed.append(id) }
        return changed
    }
}
