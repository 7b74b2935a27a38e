import CMosquitto
import Dispatch

// What the state machine decided, carried out with no lock held: a resumed caller may call straight back into the
// client, and a stream takes its own lock to accept an element (and runs its termination handler under it).
extension MosquittoHandle {
    func perform(_ action: State.Action) {
        for effect in action.effects { carryOut(effect) }
        if var events = action.observerEvents {
            // This caller delivers until nothing is queued; other callers meanwhile only queue, so every observer
            // sees every change in order.
            while true {
                for event in events { deliver(event) }
                guard let next = state.withLock({ $0.nextObserverEvents() }) else { break }
                events = next
            }
        }
        for (waiter, result) in action.resumptions { waiter.resume(with: result) }
    }

    private func deliver(_ event: ObserverEvent<AsyncStream<MQTTConnectionState>.Continuation>) {
        switch event {
        case .yield(let newState, let observers):
            for observer in observers { observer.yield(newState) }
        case .finish(let observers):
            for observer in observers { observer.finish() }
        }
    }

    private func carryOut(_ effect: ClientEffect) {
        switch effect {
        case .openConnection(let attempt):
            blockingQueue.async { self.performBlockingConnect(attempt: attempt) }
        case .closeAbandonedConnection:
            dispatchPrecondition(condition: .onQueue(blockingQueue))
            mosquitto_disconnect(mosq)
        case .startNetworkLoop:
            dispatchPrecondition(condition: .onQueue(blockingQueue))
            let code = startNetworkLoop()
            perform(state.withLock { $0.networkLoopStarted(code: code) })
        case .stopNetworkThread:
            blockingQueue.async { self.stopNetworkThread() }
        case .endNetworkLoopAfterServerDisconnect:
            networkLoop.withLock { $0 }?.endAfterServerDisconnect()
        case .restartNetworkThread(let delay, let reason):
            logger.warning(
                "MQTT connection ended; reconnecting",
                metadata: ["reason": "\(reason)", "retry_in_seconds": "\(delay)"])
            blockingQueue.asyncAfter(deadline: .now() + .seconds(Int(delay))) { self.restartNetworkThread() }
        case .logConnectionLost(let reason):
            logger.warning("MQTT connection lost; reconnecting", metadata: ["reason": "\(reason)"])
        case .logRefusedSubscription(let filter, let reason):
            logger.error(
                "broker refused to restore a subscription", metadata: ["filter": "\(filter)", "reason": "\(reason)"])
        }
    }
}
