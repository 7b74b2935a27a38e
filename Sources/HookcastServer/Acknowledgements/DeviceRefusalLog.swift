import Logging
import Synchronization

/// The warning for a device message the gateway refused, within `RefusalLogLimiter`'s bounds: one line names the
/// device (as its topic does), the kind of message and the reason, never the payload. Shared by the collector's
/// subscriptions, which read on tasks of their own.
final class DeviceRefusalLog: Sendable {
    private let limiter: Mutex<RefusalLogLimiter>
    private let logger: Logger

    init(logger: Logger, bounds: RefusalLogLimiter.Bounds = .init()) {
        self.logger = logger
        limiter = Mutex(RefusalLogLimiter(bounds: bounds))
    }

    /// `detail`: more metadata for the line (e.g. the state field that failed); fixed words and field names only.
    func refused(
        _ kind: String, reason: String, device: String, detail: Logger.Metadata = [:],
        now: ContinuousClock.Instant = .now
    ) {
        let decision = limiter.withLock { $0.decide(device: device, now: now) }
        // Logged outside the lock: a slow log handler must not hold up the other subscription.
        guard case .log(let suppressed) = decision else { return }
        var metadata: Logger.Metadata = ["kind": "\(kind)", "reason": "\(reason)", "topic_device": "\(device)"]
        metadata.merge(detail) { first, _ in first }
        if suppressed > 0 { metadata["refusals_not_logged_before"] = "\(suppressed)" }
        logger.warning("device message refused", metadata: metadata)
    }
}
