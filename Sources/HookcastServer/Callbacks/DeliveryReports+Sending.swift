import Foundation
import HookcastCore
import HookcastProtocol

extension DeliveryReports {
    /// Sends every report due now, `settings.concurrency` at a time, until none is due.
    func sendDueReports() async throws {
        // Each report once per pass: one whose attempt could not be recorded (the store away) waits for the next.
        var attempted = Set<UUID>()
        while true {
            let due = try await store.callbacks.due(at: Date(), limit: max(settings.concurrency * 4, 16))
                .filter { attempted.insert($0.id).inserted }
            guard !due.isEmpty else { return }
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for report in due {
                    if running == settings.concurrency {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.attempt(report) }
                    running += 1
                }
            }
            // Still leading? A gateway that lost the lead leaves the rest to the new leader.
            guard progress.withLock(\.leading), !Task.isCancelled else { return }
        }
    }

    /// One attempt: claimed first, so no other gateway sends it meanwhile, then posted and recorded.
    private func attempt(_ report: CallbackReport) async {
        guard let expected = report.nextAttemptAt else { return }
        do {
            // Held for longer than an attempt can take: a gateway that dies mid-attempt leaves it due again then.
            let lease = Date().addingTimeInterval(settings.timeout.timeIntervalSeconds + 30)
            guard try await store.callbacks.claim(id: report.id, expected: expected, until: lease) else { return }
            guard let payload = report.payload, let webhookID = report.webhookID, let url = URL(string: report.url),
                let secret = try? signingSecret(of: report)
            else {
                // Trying again cannot help: a master key other than the one that sealed the secret, or damage.
                try await store.callbacks.record(
                    id: report.id,
                    attempt: CallbackAttempt(
                        at: Date(), status: nil, error: "the report or its signing secret cannot be read",
                        state: .failed, nextAttemptAt: nil))
                metrics.callbackAttempted(outcome: "failed")
                return
            }
            let timestamp = Int64(Date().timeIntervalSince1970)
            let outcome = await sender.post(
                url: url, body: payload,
                headers: [
                    "webhook-id": webhookID, "webhook-timestamp": String(timestamp),
                    "webhook-signature": WebhookSignature.sign(
                        id: webhookID, timestamp: timestamp, body: payload, secret: secret),
                ])
            let attempt = decide(outcome, attempts: report.attempts + 1, now: Date())
            try await store.callbacks.record(id: report.id, attempt: attempt)
            metrics.callbackAttempted(
                outcome: attempt.state == .sending ? "retry" : attempt.state == .delivered ? "delivered" : "failed")
            if attempt.state != .sending {
                logger.info(
                    "callback report \(attempt.state.rawValue)",
                    metadata: ["report_id": "\(report.id.lowercasedString)", "attempts": "\(report.attempts + 1)"])
            }
        } catch {
            logger.error(
                "callback report not sent",
                metadata: ["report_id": "\(report.id.lowercasedString)", "error": "\(error)"])
        }
    }

    /// 2xx: delivered; 410: the receiver is gone for good; anything else: again after the backoff, until it gives up.
    func decide(_ outcome: CallbackHTTPSender.Outcome, attempts: Int, now: Date) -> CallbackAttempt {
        var status: Int?
        let error: String
        switch outcome {
        case .answered(let code) where (200..<300).contains(code):
            return CallbackAttempt(at: now, status: code, error: nil, state: .delivered, nextAttemptAt: nil)
        case .answered(410):
            return CallbackAttempt(
                at: now, status: 410, error: "the receiver answered 410 Gone: not sent again", state: .failed,
                nextAttemptAt: nil)
        case .answered(let code):
            status = code
            error = "the receiver answered \(code)"
        case .noAnswer(let reason):
            error = reason
        }
        guard let next = settings.retry.nextAttempt(afterAttempt: attempts, now: now) else {
            return CallbackAttempt(
                at: now, status: status, error: error + "; given up after \(attempts) attempts", state: .failed,
                nextAttemptAt: nil)
        }
        return CallbackAttempt(at: now, status: status, error: error, state: .sending, nextAttemptAt: next)
    }

    private func signingSecret(of report: CallbackReport) throws -> SigningSecret {
        guard let secret = SigningSecret(value: try vault.decrypt(report.encryptedSecret)) else {
            throw KeyVaultError.decryptionFailed
        }
        return secret
    }
}
