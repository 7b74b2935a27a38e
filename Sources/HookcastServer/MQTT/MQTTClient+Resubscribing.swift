import Logging
import Mosquitto
import ServiceLifecycle

extension MQTTClient {
    /// Hands `first` to `consume`, and after it ends early (the client ended the subscription) a new subscription to
    /// its filter, again and again, until graceful shutdown, cancellation, `isDone`, or the client closed. A
    /// subscription that cannot be made yet (not connected) is tried again every 200 ms.
    func consumeResubscribing(
        _ first: MQTTSubscription, buffering: MQTTSubscription.Buffering, logger: Logger,
        isDone: () -> Bool = { false }, _ consume: @escaping @Sendable (MQTTSubscription) async -> Void
    ) async {
        await consumeResubscribing(
            first, logger: logger, isDone: isDone,
            subscribeAgain: { [self] in try await subscribe(to: first.filter, buffering: buffering) }, consume)
    }

    /// The same, with `subscribeAgain` making each new subscription (one with a handler, say).
    func consumeResubscribing(
        _ first: MQTTSubscription, logger: Logger, isDone: () -> Bool = { false },
        subscribeAgain: @Sendable () async throws -> MQTTSubscription,
        _ consume: @escaping @Sendable (MQTTSubscription) async -> Void
    ) async {
        var current: MQTTSubscription? = first
        while !Task.isShuttingDownGracefully && !Task.isCancelled && !isDone() {
            do {
                let messages: MQTTSubscription
                if let early = current {
                    messages = early
                    current = nil
                } else {
                    messages = try await subscribeAgain()
                }
                await cancelWhenGracefulShutdown { await consume(messages) }
            } catch {
                if state == .closed { return }
                logger.debug("subscription not ready", metadata: ["filter": "\(first.filter)", "error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }
}
