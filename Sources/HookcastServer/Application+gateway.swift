import Foundation
import HookcastCore
import Hummingbird
import Logging
import Mosquitto
import ServiceLifecycle

/// The gateway and every route over `broker`, nothing running yet: keys, admin token, publishers, the delivery
/// service and controllers. With `connectionStates` the delivery service follows the broker connection (outbox,
/// redelivery); without, it only publishes what the webhook hands it. What else reaches the broker (the connection
/// itself, acknowledgements and broker accounts) is `assembleParts`'s.
func assembleGateway(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, broker: any BrokerPublishing,
    connectionStates: (@Sendable () -> AsyncStream<MQTTConnectionState>)?, accounts: any DeviceAccounts
) throws -> (router: Router<HookcastRequestContext>, gateway: Gateway, webhook: WebhookController) {
    let dataDirectory = configuration.dataDirectory
    let vault = try KeyVault.loadOrCreate(in: dataDirectory)
    let admin = try AdminToken.loadOrCreate(dataDirectory: dataDirectory, fromEnvironment: configuration.adminToken)
    if let token = admin.newlyGenerated {
        // Shown once, on the terminal only (never through the logger); only its hash is kept.
        FileHandle.standardOutput.write(Data("Admin API token (shown once; keep it safe): \(token)\n".utf8))
    }

    let metrics = GatewayMetrics()
    let topics = configuration.topics
    let configs = DeviceConfigPublisher(client: broker, store: store, logger: logger, topics: topics)
    let emergency = EmergencyLatch(client: broker, store: store, logger: logger, topics: topics)
    let delivery = DeliveryService(
        .init(
            broker: broker, connectionStates: connectionStates, store: store, configs: configs, emergency: emergency,
            metrics: metrics, logger: logger, topics: topics),
        acknowledgementDeadline: configuration.acknowledgementDeadline, sharedStore: store.sharing != nil,
        publishAnswerDeadline: configuration.publishAnswerDeadline)
    let sessions = ConsoleSessions(
        tokenGeneration: { [token = admin.token] in token.generation() }, shared: store.sharing)
    let reports = DeliveryReports(
        store: store, vault: vault, metrics: metrics, logger: logger,
        acknowledgementDeadline: configuration.acknowledgementDeadline, settings: configuration.callbacks)
    let watchers = CommandWatchers { [reports] ids in
        if let ids { reports.commandsChanged(ids) } else { reports.lookAgain() }
    }
    let gateway = Gateway(
        store: store, keys: APIKeyService(vault: vault, repository: store.keys), delivery: delivery,
        configs: configs, accounts: accounts, emergency: emergency, watchers: watchers, live: LiveEvents(),
        sessions: sessions,
        metrics: metrics, acknowledgementDeadline: configuration.acknowledgementDeadline,
        maximumBacklog: configuration.maximumBacklog, committer: GroupCommit(inserting: store.commands),
        audit: AuditTrail(repository: store.audit, metrics: metrics, logger: logger),
        capFeedFetcher: CAPFeedFetcher(timeout: configuration.capFeedTimeout.timeInterval), reports: reports,
        logger: logger)

    let router = Router(context: HookcastRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: WebhookMetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMappingMiddleware())
    router.add(middleware: ConcurrencyLimitMiddleware(limit: configuration.maximumConcurrentRequests))
    HealthController(broker: broker, store: store, isLeading: { [delivery] in delivery.isLeading }).addRoutes(
        to: router)
    // With a metrics address, `/metrics` is served there only (`metricsListener`).
    if configuration.metricsAddress == nil {
        MetricsController(metrics: metrics, store: store, broker: broker).addRoutes(to: router)
    }
    try OpenAPIController.load().addRoutes(to: router)
    // One guard for both ways in with an API key: a key's rate limit is shared by its webhooks and its CAP alerts.
    let keyGuard = KeyGuard(
        gateway: gateway,
        rateLimiter: KeyRateLimiter(
            defaultLimit: configuration.webhookRateLimit, instances: configuration.gatewayInstances),
        signatureFailures: KeyRateLimiter(
            defaultLimit: configuration.webhookRateLimit, instances: configuration.gatewayInstances))
    // The MQTT triggers (`MQTTTriggerIntake`) go through this one too: the same guard, rate limits and wait slots.
    let webhook = WebhookController(
        gateway: gateway, keyGuard: keyGuard, waitSlots: KeyWaitSlots(limit: configuration.waitsPerKey))
    webhook.addRoutes(to: router)
    CAPIntakeController(gateway: gateway, keyGuard: keyGuard).addRoutes(to: router)
    CommandReportController(
        store: store, keyGuard: keyGuard,
        reads: KeyRateLimiter(defaultLimit: configuration.webhookRateLimit, instances: configuration.gatewayInstances),
        acknowledgementDeadline: configuration.acknowledgementDeadline
    ).addRoutes(to: router)
    let origins = OriginCheck(publicURL: configuration.publicURL)
    // Counted apart, so a page hammering the sign-in form does not lock the operator's scripts out as well.
    SessionController(
        token: admin.token, sessions: sessions, origins: origins,
        throttle: SignInThrottle(
            policy: .init(burst: configuration.adminSignInBurst, refill: configuration.adminSignInRefill)),
        audit: gateway.audit, secureCookie: configuration.publicURL?.lowercased().hasPrefix("https://") == true
    ).addRoutes(to: router)
    ConsoleController(assets: try ConsoleAssets.load()).addRoutes(to: router)
    let api = router.group("api/v1").add(
        middleware: AdminAuthMiddleware(
            token: admin.token, sessions: sessions, origins: origins,
            throttle: SignInThrottle(
                policy: .init(burst: configuration.adminSignInBurst, refill: configuration.adminSignInRefill))))
    KeysController(keys: gateway.keys, audit: gateway.audit, keyDeleted: gateway.integrationKeyDeleted).addRoutes(
        to: api)
    MQTTAccountsController(gateway: gateway).addRoutes(to: api)
    SettingsController(topics: topics).addRoutes(to: api)
    DevicesController(gateway: gateway).addRoutes(to: api)
    GroupsController(gateway: gateway).addRoutes(to: api)
    ActionsController(gateway: gateway, publicURL: configuration.publicURL).addRoutes(to: api)
    CommandsController(store: store, acknowledgementDeadline: configuration.acknowledgementDeadline)
        .addRoutes(to: api)
    CommandCancelController(gateway: gateway).addRoutes(to: api)
    CAPAdminController(gateway: gateway).addRoutes(to: api)
    CAPFeedsController(gateway: gateway).addRoutes(to: api)
    AuditController(store: store).addRoutes(to: api)
    CallbacksController(gateway: gateway).addRoutes(to: api)
    EventStreamController(
        store: store, live: gateway.live, acknowledgementDeadline: configuration.acknowledgementDeadline,
        token: admin.token, sessions: sessions
    )
    .addRoutes(to: api)
    return (router, gateway, webhook)
}

/// The gateway without a broker connection, publishing to `broker`, on `store`, with unmanaged device accounts: the
/// HTTP routes exactly as `buildApplication` makes them, and of the services the group-commit writer, the delivery
/// service (which, without connection states, only records publish times) and the one that closes the store.
/// Nothing answers acknowledgements, and nothing publishes later what `broker` refused. For the HTTP contract tests,
/// which run it with `app.test(.router)` on an in-memory store and a recording publisher (and, for the account
/// routes, `accounts` over a fake broker plugin, whose `run()` the test runs).
func buildApplication(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, broker: any BrokerPublishing,
    accounts: any DeviceAccounts = UnmanagedDeviceAccounts()
) throws -> some ApplicationProtocol {
    let (router, gateway, _) = try assembleGateway(
        configuration: configuration, logger: logger, store: store, broker: broker, connectionStates: nil,
        accounts: accounts)
    let metrics = metricsListener(configuration: configuration, logger: logger, gateway: gateway, broker: broker)
    return makeApplication(
        configuration: configuration, logger: logger, router: router,
        services: [
            StoreService(store: store, lock: nil), gateway.committer, gateway.audit, gateway.delivery, gateway.reports,
            EmergencyExpiryService(gateway: gateway),
            CAPFeedPoller(gateway: gateway, fetcher: gateway.capFeedFetcher, changes: gateway.capFeedChanges),
        ]
            + (metrics.map { [$0] } ?? []))
}
