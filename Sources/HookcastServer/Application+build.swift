import Foundation
import HookcastCore
import HookcastPostgres
import HookcastProtocol
import Hummingbird
import HummingbirdCore
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
    try DataDirectory.prepare(dataDirectory, logger: logger)
    let lock = try DataDirectoryLock.acquire(in: dataDirectory)
    let store: any HookcastStore
    do {
        if let provided = storeOverride {
            store = provided
        } else {
            // Cached reads are safe here: the data directory lock makes this process the SQLite file's only
            // writer, and gateways sharing a PostgreSQL database tell each other what they wrote
            // (StoreSharingService).
            store = CachingStore(wrapping: try await openStore(configuration.store, dataDirectory, logger))
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

private func openStore(
    _ location: StoreLocation, _ dataDirectory: URL, _ logger: Logger
) async throws -> any HookcastStore {
    switch location {
    case .sqlite: try await SQLiteStore.open(dataDirectory: dataDirectory, logger: logger)
    case .postgres(let database): try await PostgresStore.open(database, logger: logger)
    }
}

/// Everything after the store is open: keys, broker connection, services and routes.
private func assembleApplication(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, lock: DataDirectoryLock
) async throws -> some ApplicationProtocol {
    let parts = try await assembleParts(configuration: configuration, logger: logger, store: store, lock: lock)
    return makeApplication(configuration: configuration, logger: logger, router: parts.router, services: parts.services)
}

/// The HTTP server around `router`, with the request deadlines, running `services`.
func makeApplication(
    configuration: ServerConfiguration, logger: Logger, router: Router<HookcastRequestContext>, services: [any Service]
) -> some ApplicationProtocol {
    Application(
        router: router,
        server: httpServer(configuration: configuration),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.address, port: configuration.port),
            serverName: "Hookcast"),
        services: services,
        logger: logger)
}

/// HTTP/1.1 with the request deadlines, for the public listener and for `--metrics-address`'s.
func httpServer(configuration: ServerConfiguration) -> HTTPServerBuilder {
    .http1(
        configuration: .init(
            additionalChannelHandlers: [
                RequestDeadlineHandler(
                    headTimeout: .nanoseconds(Int64(configuration.requestHeadTimeout.timeInterval * 1e9)),
                    bodyTimeout: .nanoseconds(Int64(configuration.requestBodyTimeout.timeInterval * 1e9)))
            ]))
}

/// The router with every route, and the services in start order, none running yet. Apart from the `Application`
/// so the tests can hold the router's routes against the OpenAPI document.
func assembleParts(
    configuration: ServerConfiguration, logger: Logger, store: any HookcastStore, lock: DataDirectoryLock? = nil
) async throws -> (router: Router<HookcastRequestContext>, services: [any Service]) {
    if let sharing = store.sharing {
        try await KeyVault.loadOrCreate(in: configuration.dataDirectory)
            .checkShared(by: sharing, in: configuration.dataDirectory)
    }
    let broker = try BrokerConnection(configuration: configuration, logger: logger)
    let accounts: any DeviceAccounts =
        switch configuration.deviceAccounts {
        case .plugin:
            PluginDeviceAccounts(
                control: BrokerControlClient(
                    transport: try await MQTTControlTransport(client: broker.client),
                    timeout: configuration.brokerAccountTimeout),
                store: store,
                gatewayUsername: configuration.mqttUsername, logger: logger, topics: configuration.topics)
        case .unmanaged: UnmanagedDeviceAccounts()
        }
    let (router, gateway, webhook) = try assembleGateway(
        configuration: configuration, logger: logger, store: store, broker: MQTTClientPublisher(client: broker.client),
        connectionStates: { [client = broker.client] in client.stateChanges() }, accounts: accounts)
    let metrics = metricsListener(
        configuration: configuration, logger: logger, gateway: gateway,
        broker: MQTTClientPublisher(client: broker.client))

    let intake = AcknowledgementIntake(
        reader: DeviceMessageReader(topics: configuration.topics), inbox: AcknowledgementInbox(),
        metrics: gateway.metrics, logsEachRead: logger.logLevel <= .debug)
    let collector =
        configuration.collectsDeviceMessages
        ? AcknowledgementCollector(
            client: broker.client,
            earlySubscriptions: try await AcknowledgementCollector.subscribeEarly(
                client: broker.client, shareGroup: configuration.acknowledgementShareGroup,
                topics: configuration.topics, intake: intake, gathered: configuration.deviceAccounts == .plugin),
            intake: intake, deliveries: store.deliveries,
            watchers: gateway.watchers, live: gateway.live, delivery: gateway.delivery,
            metrics: gateway.metrics, logger: logger, reader: intake.reader,
            refusals: DeviceRefusalLog(logger: logger)) : nil
    // Only a broker with Hookcast's plugin attests who sent a trigger; on any other, triggers are not read at all.
    let triggers =
        configuration.collectsDeviceMessages && configuration.deviceAccounts == .plugin
        ? MQTTTriggerService(
            client: broker.client,
            earlySubscription: try await MQTTTriggerService.subscribeEarly(
                client: broker.client, shareGroup: configuration.acknowledgementShareGroup,
                topics: configuration.topics),
            intake: MQTTTriggerIntake(
                gateway: gateway, keyGuard: webhook.keyGuard, webhook: webhook, topics: configuration.topics,
                integrationKey: { [store] name in
                    try await store.mqttAccounts.find(username: IntegrationTrigger.usernamePrefix + name)?.keyID
                },
                logger: logger),
            logger: logger) : nil
    let sharing = store.sharing.map {
        StoreSharingService(
            sharing: $0, cache: store as? CachingStore, delivery: gateway.delivery, watchers: gateway.watchers,
            live: gateway.live, sessions: gateway.sessions, reports: gateway.reports)
    }
    // Shut down in reverse: the HTTP server stops first, then what reads from the broker; the delivery service
    // writes its last publish times while the broker is still connected, the audit trail and the group-commit
    // writer write what is queued, and the store closes last.
    let services: [any Service] = [
        StoreService(store: store, lock: lock), gateway.committer, gateway.audit, broker,
        BrokerAccountsService(
            client: broker.client, accounts: accounts,
            isLeading: { [delivery = gateway.delivery] in delivery.isLeading }),
        gateway.delivery, gateway.reports, EmergencyExpiryService(gateway: gateway),
        RetentionService(
            gateway: gateway, policy: configuration.retention, interval: configuration.retentionInterval,
            firstPassDelay: min(.seconds(30), configuration.retentionInterval)),
        CAPFeedPoller(gateway: gateway, fetcher: gateway.capFeedFetcher, changes: gateway.capFeedChanges),
    ]
    return (
        router,
        services + (sharing.map { [$0] } ?? []) + (collector.map { [$0] } ?? []) + (triggers.map { [$0] } ?? [])
            + (metrics.map { [$0] } ?? [])
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
