import Hummingbird
import Logging
import ServiceLifecycle

/// With `--metrics-address`, a second HTTP listener that serves `/metrics` and nothing else, so the scrape can sit
/// on an address only the monitoring network reaches; the public listener then has no `/metrics`. Run as one of
/// the application's services, so it starts and stops with the gateway.
func metricsListener(
    configuration: ServerConfiguration, logger: Logger, gateway: Gateway, broker: any BrokerPublishing
) -> (any Service)? {
    guard let address = configuration.metricsAddress else { return nil }
    let router = Router(context: HookcastRequestContext.self)
    router.add(middleware: ErrorMappingMiddleware())
    MetricsController(metrics: gateway.metrics, store: gateway.store, broker: broker).addRoutes(to: router)
    return Application(
        router: router,
        server: httpServer(configuration: configuration),
        configuration: ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: "Hookcast"),
        logger: logger)
}
