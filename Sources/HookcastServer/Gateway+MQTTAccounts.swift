import Foundation
import HookcastCore
import HookcastProtocol

extension Gateway {
    /// An API key was deleted: its integration accounts are removed from the store and revoked on the broker. A
    /// failure is logged; the broker side is retried by the next reconciliation, the store side by deleting again
    /// (an integration whose key is gone cannot trigger anything meanwhile: its triggers need the key).
    func integrationKeyDeleted(_ keyID: UUID) async {
        do {
            let removed = try await store.mqttAccounts.deleteIntegrations(keyID: keyID)
            for account in removed {
                await audit.changed(
                    .mqttAccount, id: account.username, "delete", before: MQTTAccountResponse(account: account))
            }
            await accounts.deleteClients(removed.map(\.username))
        } catch {
            logger.error(
                "the integration accounts of a deleted API key could not be removed",
                metadata: ["key": "\(keyID.lowercasedString)", "error": "\(error)"])
        }
    }

    /// A group was deleted: observers scoped to it lose it (one left with no group sees nothing). The broker plugin
    /// does the same on its own when told the group is gone (`removeGroup`).
    func observersLost(group: GroupID) async {
        do {
            for account in try await store.mqttAccounts.removeGroup(group) {
                await audit.changed(
                    .mqttAccount, id: account.username, "remove_group", after: MQTTAccountResponse(account: account))
            }
        } catch {
            logger.error(
                "observers could not be taken off a deleted group",
                metadata: ["group": "\(group)", "error": "\(error)"])
        }
    }
}
