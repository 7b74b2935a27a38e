import Mosquitto
import ServiceLifecycle

/// Serves the broker's answers to account changes, and reconciles the broker's accounts with the store after each
/// (re)connect and every few minutes: whatever failed while the broker was away (a revocation, a membership
/// change) is then applied.
struct BrokerAccountsService: Service {
    let client: MQTTClient
    let accounts: any DeviceAccounts
    var interval: Duration = .seconds(300)

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
        var wasConnected = false
        var lastReconciled = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let connected = client.state.isConnected
            if connected && (!wasConnected || ContinuousClock.now - lastReconciled >= interval) {
                await accounts.reconcile()
                lastReconciled = .now
            }
            wasConnected = connected
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(500)) }
        }
    }
}
