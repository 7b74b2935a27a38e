/// The messages arriving on one subscription, in order. Ending the iteration (or cancelling the task that
/// iterates) unsubscribes from the broker unless another subscription of this client uses the same filter.
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    public let filter: String
    let stream: AsyncStream<MQTTMessage>

    public func makeAsyncIterator() -> AsyncStream<MQTTMessage>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
