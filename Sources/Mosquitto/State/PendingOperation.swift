import CMosquitto

/// What a waiter is resumed with. One type for every kind of wait, so the state machine keeps and hands back all
/// its waiters alike; each caller knows which case its own wait ends with.
enum Reply: Sendable, Hashable {
    case connected(sessionPresent: Bool)
    case published(MQTTPublishResult)
    case done
}

/// A PUBACK, SUBACK or UNSUBACK from the broker, as the network thread saw it; not a device's `Acknowledgement`
/// of the Hookcast protocol.
enum BrokerAcknowledgement: Hashable {
    case published(reasonCode: Int32)
    case subscribed(reasonCode: Int32)
    case unsubscribed
}

/// An operation waiting on the broker, keyed by MQTT packet identifier ("mid").
enum PendingOperation<Waiter> {
    case publish(topic: String, Waiter)
    case subscribe(filter: String, Waiter)
    case unsubscribe(Waiter)
    /// A subscribe or unsubscribe the client sends by itself (restoring after a reconnect, dropping an unused
    /// filter); nobody waits for it, a refusal is only logged.
    case background(filter: String)

    /// Who waits for the broker's answer; nobody for a background operation.
    var waiter: Waiter? {
        switch self {
        case .publish(_, let waiter), .subscribe(_, let waiter), .unsubscribe(let waiter): return waiter
        case .background: return nil
        }
    }

    /// What the broker's `acknowledgement` means for this operation.
    func completion(with acknowledgement: BrokerAcknowledgement) -> OperationCompletion<Waiter> {
        switch (self, acknowledgement) {
        case (.publish(let topic, let waiter), .published(let code)):
            let reason = MQTTReasonCode(code)
            return .resume(
                waiter,
                reason.isFailure
                    ? .failure(.publishRejected(topic: topic, reason))
                    : .success(.published(MQTTPublishResult(reasonCode: reason))))
        case (.subscribe(let filter, let waiter), .subscribed(let code)):
            let reason = MQTTReasonCode(code)
            return .resume(
                waiter, reason.isFailure ? .failure(.subscribeRejected(filter: filter, reason)) : .success(.done))
        case (.unsubscribe(let waiter), .unsubscribed):
            return .resume(waiter, .success(.done))
        case (.background(let filter), .subscribed(let code)):
            let reason = MQTTReasonCode(code)
            return reason.isFailure ? .backgroundRefused(filter: filter, reason) : .nothing
        case (.background, _):
            return .nothing
        default:
            // A packet id reused across kinds can only mean the broker answered something we did not send.
            guard let waiter else { return .nothing }
            return .resume(
                waiter,
                .failure(.library(code: MOSQ_ERR_PROTOCOL.rawValue, message: "acknowledgement of the wrong kind")))
        }
    }
}

/// The outcome of an acknowledgement for the operation it answers.
enum OperationCompletion<Waiter> {
    case resume(Waiter, Result<Reply, MQTTError>)
    /// The broker refused a subscription the client made by itself; only worth a log line.
    case backgroundRefused(filter: String, MQTTReasonCode)
    case nothing
}

struct Deadline<Value> {
    var value: Value
    var deadline: ContinuousClock.Instant
}

extension OperationCompletion: Equatable where Waiter: Equatable {}

extension PendingOperation: Sendable where Waiter: Sendable {}
extension OperationCompletion: Sendable where Waiter: Sendable {}
