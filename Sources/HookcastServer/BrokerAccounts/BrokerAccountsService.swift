import Mosquitto
import ServiceLifecycle

/// Serves the broker's answers to account changes, and reconciles the broker's accounts with the store after each
/// (re)connect and every few minutes: whatever failed while the broker was away (a revocation, a membership
/// change) is then applied. Of gateways sharing a database only the leader reconciles, and one that takes the lead
/// does so at once.
struct BrokerAccountsService: Service {
    let client: MQTTClient
    let accounts: any DeviceAccounts
    /// Whether this gateway leads (always, alone on its database).
    var isLeading: @Sendable () -> Bool = { true }
    var interval: Duration = .seconds(300)
    /// How often a gateway that does not lead looks whether it does now.
    var leadershipCheck: Duration = .seconds(1)

    func run() async throws {
        // A service that returns early would end the whole application: without accounts to manage, it waits.
        guard accounts.isManaged else {
            try? await gracefulShutdown()
            return
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await cancelWhenGracefulShutdown { await accounts.run() } }
            group.addTask { await reconcileWhenNeeded() }
        }
    }

    private func reconcileWhenNeeded() async {
        // The first connection is reconciled, and every one after a loss.
        var needsReconciling = true
        var lastReconciled = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard client.state.isConnected else {
                needsReconciling = true
                await waitForBroker()
                continue
            }
            guard isLeading() else {
                needsReconciling = true
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: leadershipCheck) }
                continue
            }
            if needsReconciling || ContinuousClock.now - lastReconciled >= interval {
                await accounts.reconcile()
                lastReconciled = .now
                needsReconciling = false
            }
            // Until the next reconciliation is due, or the connection goes. Half a second at least, as often as
            // the service ever looked.
            let untilDue = max(interval - (ContinuousClock.now - lastReconciled), .milliseconds(500))
            let lost = try? await cancelWhenGracefulShutdown {
                try await client.waitUntilDisconnected(timeout: untilDue)
            }
            if lost == true { needsReconciling = true }
        }
    }

    /// Until the client connects, or shutdown begins. A closed client never connects again; the application is
    /// stopping then, so this waits for that.
    private func waitForBroker() async {
        do {
            try await cancelWhenGracefulShutdown { try await client.waitUntilConnected() }
        } catch {
            try? await gracefulShutdown()
        }
    }
}
