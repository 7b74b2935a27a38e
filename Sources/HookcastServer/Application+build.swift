import Foundation
import HookcastCore
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the whole gateway: store, broker connection, outbox and HTTP routes. `hookcast serve` and the tests both
/// call this, the tests with port 0 and a temporary data directory.
///
/// - Parameter store: the store to use instead of the SQLite database in the data directory (for tests that need
///   a store to fail).
public func buildApplication(
    configuration: ServerConfiguration,
    logger: Logger = Logger(label: "hookcast"),
    store storeOverride: (any HookcastStore)? = nil
) async throws -> some ApplicationProtocol {
    let dataDirectory = configuration.dataDirectory
    try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
    let lock = try DataDirectoryLock.acquire(in: dataDirectory)
    let store: any HookcastStore
    do {
        if let provided = storeOverride {
            store = provided
        } else {
            // Cached reads are safe here: the data directory lock makes this process the database's only writer.
            store = CachingStore(wrapping: try await SQLiteStore.open(dataDirectory: dataDirectory, logger: logger))
        }
    } catch {
        lock.release()
        throw error
    }
    do {
        return try await assembleApplication(configuration: configuration, logger: logger, store: store, lock: lock)
    } catch {
        // Closed here, or nobody would: the application that would have closed them does not exist.
        try? await store.close()
        lock.release()
        throw error
    }
}

/// Everything after the store is open: keys, broker connection, services and routes.
private func assembleApplication(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, lock: DataDirectoryLock
) async throws -> some ApplicationProtocol {
    let parts = try await assembleParts(configuration: configuration, logger: logger, store: store, lock: lock)
    return Application(
        router: parts.router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    RequestDeadlineHandler(
                        headTimeout: .nanoseconds(Int64(configuration.requestHeadTimeout.timeInterval * 1e9)),
                        bodyTimeout: .nanoseconds(Int64(configuration.requestBodyTimeout.timeInterval * 1e9)))
                ])),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.address, port: configuration.port),
            serverName: "Hookcast"),
        services: parts.services,
        logger: logger)
}

/// The router with every route, and the services in start order, none running yet. Apart from the `Application`
/// so the tests can hold the router's routes against the OpenAPI document.
func assembleParts(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, lock: DataDirectoryLock? = nil
) async throws -> (router: Router<HookcastRequestContext>, services: [any Service]) {
    let dataDirectory = configuration.dataDirectory
    let vault = try KeyVault.loadOrCreate(in: dataDirectory)
    let admin = try AdminToken.loadOrCreate(dataDirectory: dataDirectory, fromEnvironment: configuration.adminToken)
    if let token = admin.newlyGenerated {
        // Shown once, on the terminal only (never through the logger); only its hash is kept.
        FileHandle.standardOutput.write(Data("Admin API token (shown once; keep it safe): \(token)\n".utf8))
    }

    let broker = try BrokerConnection(configuration: configuration, logger: logger)
    let metrics = GatewayMetrics()
    let publisher = CommandPublisher(
        client: broker.client, commands: store.commands, publishTimes: metrics.publishTimes,
        redelivered: { metrics.redelivered($0) }, logger: logger)
    let configs = DeviceConfigPublisher(client: broker.client, store: store, logger: logger)
    let watchers = CommandWatchers()
    let live = LiveEvents()
    let returns = DeviceReturns()
    let emergency = EmergencyLatch(client: broker.client, store: store, logger: logger)
    let accounts: any DeviceAccounts =
        switch configuration.deviceAccounts {
        case .dynamicSecurity:
            DynamicSecurityAccounts(
                control: try await DynamicSecurityClient(
                    client: broker.client, timeout: configuration.brokerAccountTimeout),
                store: store,
                gatewayUsername: configuration.mqttUsername, logger: logger)
        case .unmanaged: UnmanagedDeviceAccounts()
        }
    let committer = GroupCommit(inserting: store.commands)
    let gateway = Gateway(
        store: store, keys: APIKeyService(vault: vault, repository: store.keys), publisher: publisher,
        configs: configs, accounts: accounts, emergency: emergency, watchers: watchers, live: live, metrics: metrics,
        acknowledgementDeadline: configuration.acknowledgementDeadline, maximumBacklog: configuration.maximumBacklog,
        committer: committer,
        logger: logger)

    let router = Router(context: HookcastRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: WebhookMetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMappingMiddleware())
    router.add(middleware: ConcurrencyLimitMiddleware(limit: configuration.maximumConcurrentRequests))
    HealthController(broker: broker).addRoutes(to: router)
    MetricsController(metrics: metrics, store: store, broker: broker).addRoutes(to: router)
    try OpenAPIController.load().addRoutes(to: router)
    WebhookController(gateway: gateway, rateLimiter: KeyRateLimiter(defaultLimit: configuration.webhookRateLimit))
        .addRoutes(to: router)
    let sessions = ConsoleSessions()
    let origins = OriginCheck(publicURL: configuration.publicURL)
    SessionController(
        token: admin.token, sessions: sessions, origins: origins,
        secureCookie: configuration.publicURL?.lowercased().hasPrefix("https://") == true
    ).addRoutes(to: router)
    ConsoleController(assets: try ConsoleAssets.load()).addRoutes(to: router)
    let api = router.group("api/v1").add(
        middleware: AdminAuthMiddleware(token: admin.token, sessions: sessions, origins: origins))
    KeysController(keys: gateway.keys).addRoutes(to: api)
    DevicesController(gateway: gateway).addRoutes(to: api)
    GroupsController(gateway: gateway).addRoutes(to: api)
    ActionsController(gateway: gateway, publicURL: configuration.publicURL).addRoutes(to: api)
    CommandsController(store: store, acknowledgementDeadline: configuration.acknowledgementDeadline)
        .addRoutes(to: api)
    EventStreamController(store: store, live: live, acknowledgementDeadline: configuration.acknowledgementDeadline)
        .addRoutes(to: api)

    let collector = AcknowledgementCollector(
        client: broker.client,
        earlySubscriptions: try await AcknowledgementCollector.subscribeEarly(
            client: broker.client, shareGroup: configuration.acknowledgementShareGroup),
        deliveries: store.deliveries,
        watchers: watchers, live: live, returns: returns,
        metrics: metrics, logger: logger)
    let redelivery = RedeliveryService(
        client: broker.client, store: store, publisher: publisher, returns: returns,
        acknowledgementDeadline: configuration.acknowledgementDeadline, logger: logger)
    let outbox = OutboxService(
        client: broker.client, publisher: publisher, configs: configs, emergency: emergency,
        commands: store.commands, logger: logger)
    // Shut down in reverse: the HTTP server stops first, the group-commit writers write what is queued, the store
    // closes last.
    return (
        router,
        [
            StoreService(store: store, lock: lock), committer, publisher.published, broker,
            BrokerAccountsService(client: broker.client, accounts: accounts),
            outbox, collector, redelivery,
        ]
    )
}

/// Closes the store after everything that uses it has stopped, then lets the next gateway into the directory.
struct StoreService: Service {
    let store: any HookcastStore
    let lock: DataDirectoryLock?

    func run() async throws {
        try? await gracefulShutdown()
        // Closed in a task of its own: when the application is cancelled rather than shut down gracefully, the
        // close must still run to completion.
        try await Task { [store, lock] in
            defer { lock?.release() }
            try await store.close()
        }.value
    }
}
