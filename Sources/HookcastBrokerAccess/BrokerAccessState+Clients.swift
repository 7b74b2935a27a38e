import HookcastProtocol

extension BrokerAccessState {
    /// What putting a client account did.
    enum ClientPutEffect: Equatable {
        case created, unchanged, scopeChanged
        /// The credential or the kind changed: its clients must log in again.
        case identityChanged
    }

    mutating func putClient(_ account: BrokerClientAccount, credential: StoredCredential) -> ClientPutEffect {
        let old = clients.entry(account.username)
        clients.set(.init(account: account, credential: credential))
        guard let old else { return .created }
        if old.account == account { return .unchanged }
        return old.credential == credential && old.account.role.kind == account.role.kind
            ? .scopeChanged : .identityChanged
    }

    mutating func deleteClient(_ username: String) -> Bool {
        clients.remove(username) != nil
    }

    /// Takes `group` from every observer scoped to it; returns the accounts changed. An observer left without
    /// groups keeps an empty scope and sees nothing: it never becomes fleet-wide by losing its last group.
    mutating func removeGroupFromObservers(_ group: GroupID) -> [BrokerClientAccount] {
        var changed: [BrokerClientAccount] = []
        for var account in clients.accounts() {
            guard case .observer(let groups?, let includeCommands) = account.role, groups.contains(group),
                let entry = clients.entry(account.username)
            else { continue }
            account.role = .observer(groups: groups.filter { $0 != group }, includeCommands: includeCommands)
            clients.set(.init(account: account, credential: entry.credential))
            changed.append(account)
        }
        return changed
    }

    /// Adds the client accounts the journal kept at start-up; returns how many it left out as invalid (a bad
    /// credential, or a name that is a gateway's or another account's).
    public mutating func loadClients(_ accounts: [BrokerClientAccount]) -> Int {
        var skipped = 0
        for account in accounts {
            guard let credential = StoredCredential(hex: account.credential), !isTaken(account.username) else {
                skipped += 1
                continue
            }
            _ = putClient(account, credential: credential)
        }
        return skipped
    }

    /// The part of `topic` below the topic prefix, as levels; nil for a topic outside it. The one place that knows
    /// the prefix for the client accounts' decisions.
    func levelsBelowRoot(_ topic: String) -> [Substring]? {
        policy.topics.relative(topic)?.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// Whether the client account may do `access` on `topic`, by `BrokerAccessPolicy`.
    func clientMay(_ account: BrokerClientAccount, _ access: BrokerAccess, topic: String) -> Bool {
        guard let levels = levelsBelowRoot(topic) else { return access == .unsubscribe }
        switch account.role {
        case .integration:
            return BrokerAccessPolicy.integration(account.name, may: access, levels: levels)
        case .observer(let groups, let includeCommands):
            let scope = BrokerAccessPolicy.ObserverScope(
                fleet: groups == nil, includeCommands: includeCommands, watchesNothing: groups?.isEmpty ?? false,
                watchesGroup: { group in groups.map { $0.contains { $0.rawValue[...] == group } } ?? true },
                watchesDevice: { id in
                    guard let groups else { return true }
                    guard let device = try? DeviceID(String(id)), let entry = devices.entry(device) else {
                        return false
                    }
                    return groups.contains { devices.isMember(entry, of: $0.rawValue[...]) }
                })
            return BrokerAccessPolicy.observer(scope, may: access, levels: levels)
        }
    }
}
