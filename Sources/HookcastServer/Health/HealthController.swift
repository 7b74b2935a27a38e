import HookcastCore
import Hummingbird

/// `/healthz` says the process answers; `/readyz` says it can do its job: the broker connected and the store
/// reachable. A load balancer sends webhooks elsewhere while it is not ready.
struct HealthController: Sendable {
    let broker: any BrokerPublishing
    let store: any HookcastStore
    /// Whether this gateway leads among those sharing its database (always, alone on it).
    let isLeading: @Sendable () -> Bool
    /// How long readiness waits for the store: a PostgreSQL server that is gone may take the pool's whole
    /// connect timeout to say so.
    var storeTimeout: Duration = .seconds(1)

    struct Health: ResponseEncodable {
        let status: String
        let broker: String
    }

    struct Readiness: ResponseEncodable {
        let status: String
        let broker: String
        let store: String
        let leading: Bool
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("healthz") { _, _ in
            Health(status: "ok", broker: broker.state.description)
        }
        router.get("readyz") { _, _ -> EditedResponse<Readiness> in
            let state = broker.state
            let storeReachable = await storeIsReachable()
            let ready = state.isConnected && storeReachable
            return EditedResponse(
                status: ready ? .ok : .serviceUnavailable,
                response: Readiness(
                    status: ready ? "ready" : "not_ready", broker: state.description,
                    store: storeReachable ? "reachable" : "unreachable", leading: isLeading()))
        }
    }

    /// The store's answer, or false once `storeTimeout` passed without one.
    private func storeIsReachable() async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [store] in (try? await store.checkReachable()) != nil }
            group.addTask { [storeTimeout] in
                try? await Task.sleep(for: storeTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
