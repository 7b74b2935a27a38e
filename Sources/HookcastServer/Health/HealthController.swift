import Hummingbird

/// `/healthz` says the process answers; `/readyz` says it can do its job (broker connected).
struct HealthController: Sendable {
    let broker: any BrokerPublishing

    struct Status: ResponseEncodable {
        let status: String
        let broker: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("healthz") { _, _ in
            Status(status: "ok", broker: broker.state.description)
        }
        router.get("readyz") { _, _ -> EditedResponse<Status> in
            let state = broker.state
            return EditedResponse(
                status: state.isConnected ? .ok : .serviceUnavailable,
                response: Status(status: state.isConnected ? "ready" : "not_ready", broker: state.description))
        }
    }
}
