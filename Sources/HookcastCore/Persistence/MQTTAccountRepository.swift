import Foundation
import HookcastProtocol

/// Stored integration and observer accounts, by broker user name.
public protocol MQTTAccountRepository: Sendable {
    /// Throws `StoreError.conflict` when the user name exists already.
    func insert(_ account: MQTTAccount) async throws
    /// Sorted by user name.
    func all() async throws -> [MQTTAccount]
    func find(username: String) async throws -> MQTTAccount?
    /// Saves role, description and credential (never the name or creation time). Throws `StoreError.notFound`
    /// when there is no such account.
    func update(_ account: MQTTAccount) async throws
    /// False when there was no such account.
    func delete(username: String) async throws -> Bool
    /// Removes the integration accounts of the key; returns them.
    func deleteIntegrations(keyID: UUID) async throws -> [MQTTAccount]
    /// Takes `group` from every observer scoped to it and returns those changed, as they are now. One left with
    /// no group keeps an empty scope (it sees nothing); it never becomes fleet-wide.
    func removeGroup(_ group: GroupID) async throws -> [MQTTAccount]
}

extension MQTTAccount {
    /// The observer without `group`, or nil when it is not an observer scoped to it.
    public func removing(group: GroupID) -> MQTTAccount? {
        guard case .observer(let groups?, let includeCommands) = role, groups.contains(group) else { return nil }
        var changed = self
        changed.role = .observer(groups: groups.filter { $0 != group }, includeCommands: includeCommands)
        return changed
    }
}
