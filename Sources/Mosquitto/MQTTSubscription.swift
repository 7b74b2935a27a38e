/// The messages arriving on one subscription, in order. Ending the iteration (or cancelling the task that
/// iterates) unsubscribes from the broker unless another subscription of this client uses the same filter.
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    public let filter: String
    let stream: AsyncStream<MQTTMessage>
    let dropped: DroppedMessages

    /// How many messages wait for the consumer at most.
    public enum Buffering: Sendable, Equatable {
        /// Every message waits, however slow the consumer.
        case unbounded
        /// At most this many wait; a message arriving to a full buffer is dropped and counted in
        /// `droppedMessages`, so a flood cannot grow the process's memory while the consumer is busy. A payload
        /// over `maximumPayloadSize` bytes is dropped unbuffered and counted in `oversizedMessages`, so the
        /// buffer's memory is bounded too.
        case bounded(Int, maximumPayloadSize: Int? = nil)

        var policy: AsyncStream<MQTTMessage>.Continuation.BufferingPolicy {
            switch self {
            case .unbounded: .unbounded
            case .bounded(let limit, _): .bufferingOldest(Swift.max(limit, 1))
            }
        }

        var maximumPayloadSize: Int? {
            if case .bounded(_, let maximum) = self { return maximum }
            return nil
        }
    }

    /// Messages dropped so far because the buffer (`Buffering.bounded`) was full.
    public var droppedMessages: Int { dropped.total }
    /// Messages dropped so far because their payload was over `Buffering.bounded`'s `maximumPayloadSize`.
    public var oversizedMessages: Int { dropped.oversized }

    public func makeAsyncIterator() -> AsyncStream<MQTTMessage>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
