import HookcastProtocol

/// The integration and observer accounts, by user name. At most a few hundred, so a dictionary of whole accounts
/// (with the credential parsed once for logins) is enough.
public struct ClientAccountTable: Sendable {
    struct Entry: Sendable, Equatable {
        var account: BrokerClientAccount
        var credential: StoredCredential
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    public var count: Int { entries.count }

    public func account(_ username: String) -> BrokerClientAccount? { entries[username]?.account }

    /// Every account, sorted by user name.
    public func accounts() -> [BrokerClientAccount] {
        entries.keys.sorted().compactMap { entries[$0]?.account }
    }

    public var usernames: [String] { entries.keys.sorted() }

    func entry(_ username: String) -> Entry? { entries[username] }

    mutating func set(_ entry: Entry) {
        entries[entry.account.username] = entry
    }

    @discardableResult
    mutating func remove(_ username: String) -> Entry? {
        entries.removeValue(forKey: username)
    }
}
