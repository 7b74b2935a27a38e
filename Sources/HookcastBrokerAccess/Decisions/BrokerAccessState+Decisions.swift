import HookcastProtocol

extension BrokerAccessState {
    /// A client's login. A gateway account needs its password and may use any client id; a device account needs
    /// its password and its id as the client id, so no client takes over another device's session; an integration
    /// or observer account its password and a client id of its own (`isClientID`). The gateway
    /// accounts are asked first: their names are reserved, whatever device account may have the same. The other
    /// accounts' names are not the plugin's to answer for.
    public func authenticate(username: String?, password: String?, clientID: String?) -> BrokerDecision {
        // A bridge's own client id: a login that takes it would pass for the bridge's triggers.
        if let clientID, bridges[clientID] != nil { return .deny }
        guard let username else { return .notOurs }
        if let credential = gateways.credential(of: username) {
            guard let password else { return .deny }
            return credential.matches(password: password) ? .allow : .deny
        }
        if otherAccounts.contains(username) { return .notOurs }
        if let client = clients.entry(username) {
            let passwordMatches = password.map { client.credential.matches(password: $0) } ?? false
            return passwordMatches && Self.isClientID(clientID, of: username) ? .allow : .deny
        }
        guard let id = try? DeviceID(username), let entry = devices.entry(id) else { return .notOurs }
        // The hash is computed whatever the client id, so a wrong client id takes as long as a wrong password.
        let passwordMatches = password.map { entry.credential.matches(password: $0) } ?? false
        return passwordMatches && clientID == username ? .allow : .deny
    }

    /// A client account's client id is its user name or starts with the user name and `:` (so one account may
    /// run several clients). Neither can be a device's id (no `.`) or, unless an operator chose it so, a gateway's.
    static func isClientID(_ clientID: String?, of username: String) -> Bool {
        guard let clientID else { return false }
        return clientID == username || clientID.hasPrefix(username + ":")
    }

    /// An access check of a connected client, by its user name: `BrokerAccessPolicy` decides for the accounts the
    /// plugin manages. Answered from memory: mosquitto asks this for every message it delivers.
    public func authorize(username: String?, access: BrokerAccess, topic: String) -> BrokerDecision {
        guard let username else { return .notOurs }
        if gateways.contains(username) {
            return policy.gateway(may: access, topic: topic) ? .allow : .deny
        }
        if otherAccounts.contains(username) { return .notOurs }
        if let client = clients.entry(username) {
            return clientMay(client.account, access, topic: topic) ? .allow : .deny
        }
        guard let id = try? DeviceID(username), let entry = devices.entry(id) else { return .notOurs }
        let allowed = policy.device(
            id, isMember: { devices.isMember(entry, of: $0) }, hasTag: { devices.hasTag(entry, level: $0) },
            may: access, topic: topic)
        return allowed ? .allow : .deny
    }
}
