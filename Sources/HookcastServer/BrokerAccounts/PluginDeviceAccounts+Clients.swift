import HookcastCore
import HookcastProtocol

extension PluginDeviceAccounts {
    /// Creates or replaces an integration or observer account in the plugin; returns once the plugin applied it.
    func putClient(_ account: BrokerClientAccount) async throws(BrokerAccountError) {
        if account.username == gatewayUsername { throw .reserved(account.username) }
        try await turns.run(for: "accounts") { () async throws(BrokerAccountError) in
            try Self.checkClients(try await self.send([.putClients([account])]), account.username)
        }
    }

    /// Removes the accounts and disconnects their clients; a failure is left to the next reconciliation.
    func deleteClients(_ usernames: [String]) async {
        guard !usernames.isEmpty else { return }
        await turns.run(for: "accounts") {
            do throws(BrokerAccountError) {
                try Self.check(try await self.send([.deleteClients(usernames)]))
            } catch {
                self.logger.warning(
                    "broker client accounts not revoked yet; the next reconciliation retries",
                    metadata: ["accounts": "\(usernames.joined(separator: ","))", "error": "\(error)"])
            }
        }
    }

    /// Makes the plugin's client accounts the store's, in one `replaceClients` (there are at most a few hundred);
    /// returns how many the plugin removed. Inside a turn.
    func reconcileClientsNow() async throws -> Int {
        let accounts = try await store.mqttAccounts.all().map(\.brokerAccount)
        guard accounts.count <= BrokerControl.maximumDevicesPerRequest else {
            throw BrokerAccountError.refused(
                "\(accounts.count) integration and observer accounts, more than the "
                    + "\(BrokerControl.maximumDevicesPerRequest) one request can carry")
        }
        let results = try await send([.replaceClients(accounts)])
        try Self.check(results)
        return results.first?.count ?? 0
    }

    /// As `check`, but a name the plugin does not manage is `reserved` (the plugin words it without `taken`,
    /// which holds device ids).
    static func checkClients(_ results: [BrokerControlResult], _ username: String) throws(BrokerAccountError) {
        if let error = results.first?.error, error.hasSuffix("the name of an account the plugin does not manage") {
            throw .reserved(username)
        }
        try check(results)
    }
}
