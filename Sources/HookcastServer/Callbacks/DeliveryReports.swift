import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import ServiceLifecycle
import Synchronization

/// Delivery reports to callback URLs (docs/callbacks.md): queued with the commands they cover, built once those are
/// complete (every expected device answered, the acknowledgement deadline passed, or cancelled), then POSTed,
/// signed with Standard Webhooks headers, until the receiver answers 2xx. The store is the queue, so a restart
/// resumes where the last run was; only the leading gateway builds and sends, and the store's conditional updates
/// keep two gateways from building or sending one report twice.
///
/// Woken by acknowledgements and cancels (`commandsChanged`), by a new report, and by a timer set to the next
/// deadline or retry; it does not poll.
final class DeliveryReports: Service, Sendable {
    struct Settings: Sendable {
        var retry = CallbackRetryPolicy()
        var timeout = Duration.seconds(10)
        /// Reports sent at once: a slow receiver holds one of these, not the others.
        var concurrency = 4
        /// On a shared database another gateway's reports are told of by its commands' notices; this is the
        /// longest a report written without one waits to be looked at.
        var sweep = Duration.seconds(30)
    }

    let store: any HookcastStore
    let vault: KeyVault
    let metrics: GatewayMetrics
    let logger: Logger
    let acknowledgementDeadline: Duration
    let settings: Settings
    let sender: CallbackHTTPSender
    let doorbell = Doorbell()
    private let shared: Bool
    /// Leading, and what the last passes learnt: commands told of since (whose reports are looked at again), and
    /// per waiting report the time it is complete at the latest (its commands' deadline).
    let progress: Mutex<Progress>

    struct Progress {
        var leading: Bool
        var changed: Set<UUID> = []
        var deadlines: [UUID: Date] = [:]
    }

    init(
        store: any HookcastStore, vault: KeyVault, metrics: GatewayMetrics, logger: Logger,
        acknowledgementDeadline: Duration, settings: Settings = Settings()
    ) {
        self.store = store
        self.vault = vault
        self.metrics = metrics
        self.logger = logger
        self.acknowledgementDeadline = acknowledgementDeadline
        self.settings = settings
        self.sender = CallbackHTTPSender(timeout: settings.timeout)
        shared = store.sharing != nil
        // A gateway alone on its store leads from the start; on a shared one, once `leadershipChanged` says so.
        progress = Mutex(Progress(leading: store.sharing == nil))
    }

    // MARK: - Scheduling

    /// Queues a report of `commandIDs` (already stored) to `url`, signed with `secret`; `subject` says what caused
    /// them and is copied into the payload. For callers other than the webhook (the CAP intake), which store their
    /// commands themselves. Throws `ValidationError` (field `callback_url`) for a URL the admin API would refuse,
    /// `StoreError.notFound` naming a command that is not stored, and store errors.
    @discardableResult
    func schedule(url: String, secret: SigningSecret, commandIDs: [UUID], subject: JSONValue) async throws
        -> CallbackReport
    {
        try await schedule(
            url: url, encryptedSecret: try vault.encrypt(secret.value), commandIDs: commandIDs,
            subject: subject)
    }

    /// As above with the secret as the store keeps it (`CallbackTarget.encryptedSecret`, under this gateway's
    /// master key).
    @discardableResult
    func schedule(url: String, encryptedSecret: Data, commandIDs: [UUID], subject: JSONValue) async throws
        -> CallbackReport
    {
        let report = try report(
            to: CallbackTarget(url: url, encryptedSecret: encryptedSecret), commandIDs: commandIDs, subject: subject)
        for id in commandIDs {
            guard try await store.commands.find(id: id) != nil else {
                throw StoreError.notFound("command '\(id.lowercasedString)' does not exist")
            }
        }
        try await store.callbacks.insert(report)
        scheduled(report)
        return report
    }

    /// A report to store together with its commands (`CommandRepository.insert(_:idempotency:report:)`); call
    /// `scheduled` once stored.
    func report(to target: CallbackTarget, commandIDs: [UUID], subject: JSONValue) throws(ValidationError)
        -> CallbackReport
    {
        guard !commandIDs.isEmpty else {
            throw ValidationError(field: "command_ids", message: "must name at least one command")
        }
        return CallbackReport(
            url: try CallbackTarget.validatedURL(target.url), encryptedSecret: target.encryptedSecret,
            commandIDs: commandIDs, subject: subject, createdAt: Date())
    }

    /// A report was stored: look at it now (its commands may be complete already).
    func scheduled(_ report: CallbackReport) {
        commandsChanged(report.commandIDs)
    }

    /// Acknowledgements of these commands were stored, or they were cancelled or stored elsewhere.
    func commandsChanged(_ ids: some Sequence<UUID>) {
        progress.withLock { $0.changed.formUnion(ids) }
        doorbell.ring()
    }

    /// News may have been missed (`StoreNotice.resumed`): every waiting report is looked at again.
    func lookAgain() {
        progress.withLock { $0.deadlines = [:] }
        doorbell.ring()
    }

    func leadershipChanged(leading: Bool) {
        progress.withLock {
            $0.leading = leading
            $0.deadlines = [:]
        }
        doorbell.ring()
    }

    /// Sends a failed report again now (the admin's retry). Nil when there is no such report.
    func retry(id: UUID) async throws -> CallbackReport? {
        let report = try await store.callbacks.retry(id: id, at: Date())
        doorbell.ring()
        return report
    }

    // MARK: - The loop

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var next: Date?
                if self.progress.withLock(\.leading) {
                    next = await self.pass()
                }
                if self.shared {
                    next = min(
                        next ?? .distantFuture, Date().addingTimeInterval(self.settings.sweep.timeIntervalSeconds))
                }
                let timeout = next.map { Duration.milliseconds(max(0, Int64($0.timeIntervalSinceNow * 1000)) + 1) }
                await self.doorbell.wait(timeout: timeout)
            }
        }
    }

    /// Builds what is complete, sends what is due; returns when the next report falls due (nil: none known).
    func pass() async -> Date? {
        do {
            var next = try await buildCompleteReports()
            try await sendDueReports()
            if let attempt = try await store.callbacks.nextAttempt() { next = min(next ?? attempt, attempt) }
            return next
        } catch {
            logger.error("callback reports: store unavailable", metadata: ["error": "\(error)"])
            return Date().addingTimeInterval(5)
        }
    }
}

extension Duration {
    /// For `Date` arithmetic: the report's lease and the sweep's next time.
    var timeIntervalSeconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
