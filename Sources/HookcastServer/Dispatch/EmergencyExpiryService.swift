import Foundation
import HookcastCore
import Logging
import ServiceLifecycle

/// Ends emergency holds when their time comes (`duration_seconds`, a CAP alert's `expires`). Sleeps until the next
/// end, woken early when a hold with an end is added here; looks again at least every `recheck`, for holds other
/// gateways on a shared database added and for a lead taken over. Only the leading gateway ends holds.
struct EmergencyExpiryService: Service {
    let gateway: Gateway
    var recheck: Duration = .seconds(15)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let wait = await endDueHolds()
                await gateway.emergency.endings.wait(timeout: wait)
            }
        }
    }

    /// Ends what is due; returns how long until the next end (at most `recheck`).
    private func endDueHolds() async -> Duration {
        guard gateway.delivery.isLeading else { return recheck }
        do {
            let now = Date()
            let holds = try await gateway.store.emergencies.holds()
            let due = EmergencyHoldRules.due(holds, at: now)
            if !due.isEmpty {
                gateway.logger.info("emergency holds ended by their time", metadata: ["count": "\(due.count)"])
                await gateway.endEmergencies(Set(due.map(\.commandID)), source: .expiry)
            }
            let dueIDs = Set(due.map(\.commandID))
            guard let next = EmergencyHoldRules.nextEnd(of: holds.filter { !dueIDs.contains($0.commandID) }) else {
                return recheck
            }
            let seconds = max(0, next.timeIntervalSince(Date()))
            return min(recheck, .milliseconds(Int64((seconds * 1000).rounded(.up))))
        } catch {
            gateway.logger.warning("emergency holds not read", metadata: ["error": "\(error)"])
            return recheck
        }
    }
}
