import Foundation
import HookcastCore
import Logging
import ServiceLifecycle

/// Prunes what is past its retention (`RetentionPruner`): a pass shortly after start and then every `interval`,
/// on the leading gateway only, so gateways sharing a database do not delete the same rows side by side. A pass
/// runs in small batches with pauses, off the webhooks' path; a failed pass is logged and tried at the next.
struct RetentionService: Service {
    let gateway: Gateway
    let policy: RetentionPolicy
    var interval: Duration = .seconds(600)
    /// The first pass waits this long, so a gateway starting up connects and catches up before it prunes.
    var firstPassDelay: Duration = .seconds(30)

    func run() async throws {
        guard let repository = gateway.store.retention, !policy.keepsEverything else {
            // A service that returns ends the whole service group: with nothing to prune, stay until shutdown.
            try? await gracefulShutdown()
            return
        }
        let pruner = RetentionPruner(repository: repository, policy: policy)
        await cancelWhenGracefulShutdown {
            var wait = firstPassDelay
            while !Task.isCancelled {
                try? await Task.sleep(for: wait)
                wait = interval
                guard !Task.isCancelled, gateway.delivery.isLeading else { continue }
                await pass(pruner)
            }
        }
    }

    private func pass(_ pruner: RetentionPruner) async {
        let started = ContinuousClock.now
        do {
            let pruned = try await pruner.prune { [metrics = gateway.metrics] batch in metrics.pruned(batch) }
            guard pruned.total > 0 else { return }
            gateway.logger.info(
                "records past their retention pruned",
                metadata: [
                    "commands": "\(pruned.commands)", "delivery_rows": "\(pruned.deliveryRows)",
                    "audit_entries": "\(pruned.auditEntries)", "callback_reports": "\(pruned.callbackReports)",
                    "cap_alerts": "\(pruned.capAlerts)", "seconds": "\((ContinuousClock.now - started).timeInterval)",
                ])
        } catch {
            gateway.logger.warning(
                "pruning past the retention failed; tried again later", metadata: ["error": "\(error)"])
        }
    }
}
