import Foundation
import HookcastProtocol

struct InMemoryMQTTAccountRepository: MQTTAccountRepository {
    let database: InMemoryDatabase

    func insert(_ account: MQTTAccount) async throws {
        try database.access { state in
            guard state.mqttAccounts[account.username] == nil else {
                throw StoreError.conflict("MQTT account '\(account.username)' already exists")
            }
            state.mqttAccounts[account.username] = account
        }
    }

    func all() async throws -> [MQTTAccount] {
        try database.access { state in state.mqttAccounts.values.sorted { $0.username < $1.username } }
    }

    func find(username: String) async throws -> MQTTAccount? {
        try database.access { $0.mqttAccounts[username] }
    }

    func update(_ account: MQTTAccount) async throws {
        try database.access { state in
            guard let stored = state.mqttAccounts[account.username] else {
                throw StoreError.notFound("MQTT account '\(account.username)' does not exist")
            }
            var updated = account
            updated.createdAt = stored.createdAt
            state.mqttAccounts[account.username] = updated
        }
    }

    func delete(username: String) async throws -> Bool {
        try database.access { $0.mqttAccounts.removeValue(forKey: username) != nil }
    }

    func deleteIntegrations(keyID: UUID) async throws -> [MQTTAccount] {
        try database.access { state in
            let removed = state.mqttAccounts.values.filter { $0.keyID == keyID }.sorted { $0.username < $1.username }
            for account in removed { state.mqttAccounts[account.username] = nil }
            return removed
        }
    }

    func removeGroup(_ group: GroupID) async throws -> [MQTTAccount] {
        try database.access { state in
            let changed = state.mqttAccounts.values.compactMap { $0.removing(group: group) }
                .sorted { $0.username < $1.username }
            for account in changed { state.mqttAccounts[account.username] = account }
            return changed
        }
    }
}
