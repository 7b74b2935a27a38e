import HookcastCore
import Hummingbird

/// `GET /metrics` in Prometheus's text format. Like `/healthz` it needs no token: its labels are fixed words and
/// status codes, never a key, an id or anything a caller sent.
struct MetricsController: Sendable {
    let metrics: GatewayMetrics
    let store: any HookcastStore
    let broker: any BrokerPublishing

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.get("metrics") { _, _ -> Response in
            let text = await metrics.render(store: store, broker: broker.state)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
